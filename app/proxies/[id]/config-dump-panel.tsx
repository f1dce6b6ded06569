// A proxy's config dump in Envoy's /config_dump shape (secrets redacted): pick a section (resource=),
// filter names on the server (name_regex=), search the loaded JSON, fold it, copy or download it.
"use client";

import { useEffect, useMemo, useState } from "react";
import { JsonViewer } from "../../components/json-viewer";
import type { Json } from "../../components/json-tree";
import { formatClock, shortName } from "../proxy-status";
import { errorText, useConfigDump } from "./use-config-dump";

/** Sections before the first answer names the proxy's own (static_* for a bootstrap proxy). */
const DEFAULT_RESOURCES = ["dynamic_listeners", "dynamic_route_configs", "dynamic_active_clusters", "dynamic_endpoint_configs"];

function regexError(src: string): string | undefined {
  try {
    new RegExp(src);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function ConfigDumpPanel({ proxyId, configVersion }: { proxyId: string; configVersion: string }) {
  const [resource, setResource] = useState("");
  const [regexDraft, setRegexDraft] = useState("");
  const [nameRegex, setNameRegex] = useState("");
  const [search, setSearch] = useState("");
  const [copied, setCopied] = useState(false);
  const draftError = regexError(regexDraft);

  // Ask the server once typing pauses, and only for a regex that compiles.
  useEffect(() => {
    if (draftError) return;
    const t = setTimeout(() => setNameRegex(regexDraft), 300);
    return () => clearTimeout(t);
  }, [regexDraft, draftError]);

  const dump = useConfigDump(proxyId, { resource, nameRegex }, configVersion, true);
  const parsed = useMemo<Json | undefined>(() => (dump.data ? (JSON.parse(dump.data.configDump) as Json) : undefined), [dump.data]);
  const resources = dump.data?.resources.length ? dump.data.resources : DEFAULT_RESOURCES;

  const copy = async () => {
    if (!dump.data) return;
    await navigator.clipboard?.writeText(dump.data.configDump);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const download = () => {
    if (!dump.data) return;
    const url = URL.createObjectURL(new Blob([dump.data.configDump], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `config_dump-${shortName(proxyId).replace(/[^\w.-]+/g, "_")}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="px-dump" aria-label="Config dump" data-testid="config-dump">
      <header className="px-dump-head">
        <h2>Config dump</h2>
        <span className="muted">
          Envoy&apos;s <code>/config_dump</code> shape, secrets redacted
          {dump.data && (
            <>
              {" "}
              · version <span className="mono">{dump.data.configVersion}</span>, applied {formatClock(Number(dump.data.appliedAtMs))}
            </>
          )}
          {dump.isFetching && " · loading…"}
        </span>
      </header>
      <div className="px-dump-controls">
        <label className="field">
          <span>Section (resource)</span>
          <select name="resource" value={resource} onChange={(e) => setResource(e.target.value)}>
            <option value="">all</option>
            {resources.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Resource name (regex, on the server)</span>
          <input name="name_regex" placeholder="reviews|ratings" value={regexDraft} onChange={(e) => setRegexDraft(e.target.value)} />
          {draftError && <em className="field-error">{draftError}</em>}
        </label>
        <label className="field grow">
          <span>Search in the dump</span>
          <input name="search" type="search" placeholder="outbound|9080, retryPolicy, REDACTED…" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="dump-search" />
        </label>
        <div className="px-dump-actions">
          <button type="button" className="btn" onClick={() => void copy()} disabled={!dump.data}>
            {copied ? "Copied" : "Copy"}
          </button>
          <button type="button" className="btn" onClick={download} disabled={!dump.data}>
            Download
          </button>
          <button type="button" className="btn" onClick={() => void dump.refetch()}>
            Refresh
          </button>
        </div>
      </div>
      {dump.error && (
        <p className="error-text" role="alert" data-testid="dump-error">
          {errorText(dump.error)}
        </p>
      )}
      {parsed === undefined ? (
        dump.isPending && <div className="loading">Loading the config dump…</div>
      ) : (
        <JsonViewer value={parsed} search={search} defaultDepth={4} />
      )}
    </section>
  );
}
