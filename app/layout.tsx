// App shell: sidebar with navigation, and the page area every section renders into.
import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { NavLinks } from "./components/nav-links";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "meshdash",
  description: "Service-mesh observability: live tap, routes, clusters and proxy sync status",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: each response carries its own CSP nonce (server/security/content-security-policy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>
          <div className="shell">
            <aside className="sidebar">
              <div className="brand">
                <span className="brand-mark">◆</span> meshdash
              </div>
              <NavLinks />
            </aside>
            <main className="page">{children}</main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
