// Sidebar navigation; highlights the current section (the rule editor counts as Policy for policy kinds).
"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { activeSection } from "./active-section";

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
const HREFS = SECTIONS.map((s) => s.href);

/** The links, with the current section highlighted once the URL (and its query) is known. */
export function NavLinks() {
  return (
    <Suspense fallback={<Links active={undefined} />}>
      <LiveLinks />
    </Suspense>
  );
}

function LiveLinks() {
  const pathname = usePathname();
  const params = useSearchParams();
  return <Links active={activeSection(pathname, params.get("kind"), HREFS)} />;
}

function Links({ active }: { active: string | undefined }) {
  return (
    <nav className="nav">
      {SECTIONS.map((s) => (
        <Link key={s.href} href={s.href} className={s.href === active ? "nav-link active" : "nav-link"} aria-current={s.href === active ? "page" : undefined}>
          <span className="nav-label">{s.label}</span>
          <span className="nav-hint">{s.hint}</span>
        </Link>
      ))}
    </nav>
  );
}
