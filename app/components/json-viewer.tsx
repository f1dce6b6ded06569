// A collapsible, searchable JSON tree: containers fold (the first levels open by default), Expand all /
// Collapse all, and a search that highlights keys and values, opens what hides a match and steps
// through matches.
"use client";

import { Fragment, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { childPath, entriesOf, highlightParts, isContainer, preview, primitiveText, ROOT_PATH, searchJson, type Json } from "./json-tree";

export interface JsonViewerProps {
  value: Json;
  /** Text to find in keys and values (case-insensitive). */
  search: string;
  /** Containers shallower than this start open. */
  defaultDepth?: number;
}

type Mode = "default" | "all" | "none";

interface Ctx {
  query: string;
  activePath: string | undefined;
  isOpen(path: string, depth: number): boolean;
  toggle(path: string, open: boolean): void;
}

function Text({ text, ctx, path }: { text: string; ctx: Ctx; path: string }) {
  const parts = highlightParts(text, ctx.query);
  return (
    <>
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i} className={ctx.activePath === path ? "jv-active" : undefined}>
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}

function Node({ name, value, path, depth, last, ctx }: { name: string | number | undefined; value: Json; path: string; depth: number; last: boolean; ctx: Ctx }): ReactNode {
  const indent = { paddingLeft: depth * 16 };
  const key =
    name === undefined ? null : typeof name === "number" ? (
      <span className="jv-index">{name}: </span>
    ) : (
      <>
        <span className="jv-key">
          &quot;<Text text={name} ctx={ctx} path={path} />&quot;
        </span>
        :{" "}
      </>
    );
  const comma = last ? "" : ",";
  if (!isContainer(value)) {
    const kind = value === null ? "null" : typeof value;
    return (
      <div className="jv-line" data-path={path} style={indent}>
        <span className="jv-toggle-space" />
        {key}
        <span className={`jv-${kind}`}>
          <Text text={primitiveText(value)} ctx={ctx} path={path} />
        </span>
        {comma}
      </div>
    );
  }
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const children = entriesOf(value);
  if (children.length === 0) {
    return (
      <div className="jv-line" data-path={path} style={indent}>
        <span className="jv-toggle-space" />
        {key}
        {open}
        {close}
        {comma}
      </div>
    );
  }
  const isOpen = ctx.isOpen(path, depth);
  const toggle = (
    <button type="button" className="jv-toggle" aria-expanded={isOpen} aria-label={isOpen ? "Collapse" : "Expand"} onClick={() => ctx.toggle(path, !isOpen)}>
      {isOpen ? "▾" : "▸"}
    </button>
  );
  if (!isOpen) {
    return (
      <div className="jv-line" data-path={path} style={indent}>
        {toggle}
        {key}
        {open}
        <button type="button" className="jv-preview" onClick={() => ctx.toggle(path, true)}>
          {preview(value)}
        </button>
        {close}
        {comma}
      </div>
    );
  }
  return (
    <>
      <div className="jv-line" data-path={path} style={indent}>
        {toggle}
        {key}
        {open}
      </div>
      {children.map(([k, v], i) => (
        <Node key={k} name={k} value={v} path={childPath(path, k)} depth={depth + 1} last={i === children.length - 1} ctx={ctx} />
      ))}
      <div className="jv-line" style={indent}>
        <span className="jv-toggle-space" />
        {close}
        {comma}
      </div>
    </>
  );
}

export function JsonViewer({ value, search, defaultDepth = 2 }: JsonViewerProps) {
  const deferred = useDeferredValue(search);
  const result = useMemo(() => searchJson(value, deferred), [value, deferred]);
  const [mode, setMode] = useState<Mode>("default");
  const [overrides, setOverrides] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);

  // A new search shows its matches: drop manual folds, start at the first match. A new document (the
  // proxy got new config) keeps the folds: paths name the same places.
  useEffect(() => {
    setOverrides(new Map());
    setActive(0);
  }, [result.query]);

  const activePath = result.matches[Math.min(active, result.matches.length - 1)];
  useEffect(() => {
    if (activePath === undefined || !box.current) return;
    box.current.querySelector(`[data-path="${CSS.escape(activePath)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [activePath]);

  const ctx: Ctx = {
    query: result.query,
    activePath,
    isOpen: (path, depth) => overrides.get(path) ?? (result.open.has(path) || (mode === "all" ? true : mode === "none" ? depth === 0 : depth < defaultDepth)),
    toggle: (path, open) => setOverrides((m) => new Map(m).set(path, open)),
  };
  const setAll = (m: Mode) => {
    setMode(m);
    setOverrides(new Map());
  };
  const n = result.matches.length;
  const step = (d: number) => setActive((a) => (n === 0 ? 0 : (Math.min(a, n - 1) + d + n) % n));

  return (
    <div className="jv">
      <div className="jv-bar">
        <button type="button" className="btn ghost" onClick={() => setAll("all")}>
          Expand all
        </button>
        <button type="button" className="btn ghost" onClick={() => setAll("none")}>
          Collapse all
        </button>
        {result.query && (
          <span className="jv-matches" data-testid="json-matches" data-count={n} role="status">
            {n === 0 ? "no match" : `${Math.min(active, n - 1) + 1} of ${n} match${n === 1 ? "" : "es"}`}
            <button type="button" className="btn ghost" onClick={() => step(-1)} disabled={n < 2} aria-label="Previous match">
              ↑
            </button>
            <button type="button" className="btn ghost" onClick={() => step(1)} disabled={n < 2} aria-label="Next match">
              ↓
            </button>
          </span>
        )}
      </div>
      <div className="jv-tree mono" ref={box} data-testid="json-viewer">
        <Node name={undefined} value={value} path={ROOT_PATH} depth={0} last ctx={ctx} />
      </div>
    </div>
  );
}
