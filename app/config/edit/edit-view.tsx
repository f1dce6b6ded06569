// Reads the rule named in the URL and mounts its editor; after a new rule is pushed the URL names it,
// without remounting the editor (so the convergence view stays).
"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useRef, useState } from "react";
import { RuleEditor } from "../rule-editor";
import { editHref, isPolicyKind, refFromParams } from "../rule-ref";

const keyOf = (t: { kind: string; namespace?: string; name?: string }) => `${t.kind}/${t.namespace ?? ""}/${t.name ?? ""}`;

export function EditView({ part }: { part: "crumbs" | "title" | "editor" }) {
  const params = useSearchParams();
  const router = useRouter();
  const target = refFromParams(new URLSearchParams(params.toString()));
  const urlKey = target ? keyOf(target) : "";
  const adopted = useRef(new Map<string, string>());
  const mountKey = adopted.current.get(urlKey) ?? urlKey;
  const [title, setTitle] = useState<string>();

  if (part === "crumbs") return isPolicyKind(target?.kind) ? <Link href="/policy">Policy</Link> : <Link href="/config">Config</Link>;
  if (part === "title") {
    if (!target) return <h1>Rule</h1>;
    return <h1>{target.name ? `${target.kind} ${target.namespace}/${target.name}` : (title ?? `New ${target.kind}`)}</h1>;
  }
  if (!target)
    return (
      <div className="empty-state">
        <h3>Which rule?</h3>
        <p className="muted">The link needs kind=VirtualService, DestinationRule, CheckRule or Quota (and a namespace and name to edit an existing rule).</p>
      </div>
    );
  return (
    <RuleEditor
      key={mountKey}
      target={target}
      onCreated={(ref) => {
        const href = editHref(ref.kind, ref.namespace, ref.name);
        adopted.current.set(keyOf(ref), mountKey);
        setTitle(`${ref.kind} ${ref.namespace}/${ref.name}`);
        router.replace(href, { scroll: false });
      }}
    />
  );
}
