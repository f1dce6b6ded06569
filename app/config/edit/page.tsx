// Rule editor page: /config/edit?kind=VirtualService&namespace=default&name=reviews edits a rule; without a
// name it creates one.
import Link from "next/link";
import { Suspense } from "react";
import { EditView } from "./edit-view";

export default function EditRulePage() {
  return (
    <>
      <header className="page-header">
        <p className="muted cfg-crumbs">
          <Suspense fallback={<Link href="/config">Config</Link>}>
            <EditView part="crumbs" />
          </Suspense>{" "}
          /
        </p>
        <Suspense fallback={<h1>Rule</h1>}>
          <EditView part="title" />
        </Suspense>
      </header>
      <Suspense fallback={<div className="loading">Loading the editor…</div>}>
        <EditView part="editor" />
      </Suspense>
    </>
  );
}
