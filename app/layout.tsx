// App shell: sidebar with navigation, and the page area every section renders into.
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NavLinks } from "./components/nav-links";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "meshdash",
  description: "Service-mesh observability: live tap, routes, clusters and proxy sync status",
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
