// Sidebar navigation; highlights the current section.
"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/tap", label: "Tap", hint: "Live requests" },
  { href: "/proxies", label: "Proxies", hint: "Listeners and clusters" },
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
