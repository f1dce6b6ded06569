// Sidebar navigation; highlights the current section.
"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/overview", label: "Overview", hint: "The mesh at a glance" },
  { href: "/tap", label: "Tap", hint: "Live requests" },
  { href: "/top", label: "Top", hint: "Live per-path stats" },
  { href: "/routes", label: "Routes", hint: "Route tree, test a request" },
  { href: "/clusters", label: "Clusters", hint: "Health and endpoints" },
  { href: "/proxies", label: "Proxies", hint: "xDS sync status" },
  { href: "/config", label: "Config", hint: "Rules, services, push" },
  { href: "/policy", label: "Policy", hint: "Checks, quotas, denials" },
  { href: "/history", label: "History", hint: "Revisions and rollback" },
];

export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav className="nav">
      {SECTIONS.map((s) => (
        <Link key={s.href} href={s.href} className={pathname.startsWith(s.href) ? "nav-link active" : "nav-link"}>
          <span className="nav-label">{s.label}</span>
          <span className="nav-hint">{s.hint}</span>
        </Link>
      ))}
    </nav>
  );
}
