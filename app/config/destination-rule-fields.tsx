// The DestinationRule form: host, traffic policy (load balancer: simple or consistent hash on a header,
// cookie, source IP or query parameter; connection-pool circuit breakers; outlier detection) and subsets
// with their labels and how many endpoints each selects.
"use client";

import { POOL_HTTP, POOL_TCP, OUTLIER, SIMPLE_LB, drPath, emptySubset, type DestinationRuleForm, type HashKey, type TrafficPolicyForm } from "./destination-rule-form";
import { Field, IconButton, ProblemList, removeAt, replaceAt, Section, TextInput } from "./form-controls";
import { hostChoices, labelSuggestions, matchingEndpoints, type RuleOptions } from "./rule-options";

const LABELS: Record<string, { label: string; placeholder: string; duration?: boolean }> = {
  maxConnections: { label: "Max connections", placeholder: "e.g. 100" },
  connectTimeout: { label: "Connect timeout", placeholder: "e.g. 1s", duration: true },
  http1MaxPendingRequests: { label: "Max pending requests (HTTP/1)", placeholder: "e.g. 64" },
  http2MaxRequests: { label: "Max requests (HTTP/2)", placeholder: "e.g. 1024" },
  maxRequestsPerConnection: { label: "Max requests per connection", placeholder: "0 = unlimited" },
  maxRetries: { label: "Max concurrent retries", placeholder: "e.g. 3" },
  idleTimeout: { label: "Idle timeout", placeholder: "e.g. 1h", duration: true },
  consecutive5xxErrors: { label: "Consecutive 5xx", placeholder: "e.g. 5" },
  consecutiveGatewayErrors: { label: "Consecutive gateway errors", placeholder: "e.g. 5" },
  interval: { label: "Interval", placeholder: "e.g. 10s", duration: true },
  baseEjectionTime: { label: "Base ejection time", placeholder: "e.g. 30s", duration: true },
  maxEjectionPercent: { label: "Max ejection %", placeholder: "e.g. 10" },
  minHealthPercent: { label: "Min health %", placeholder: "e.g. 0" },
};

function NumberGrid<K extends string>({ keys, values, pathOf, onChange }: { keys: readonly K[]; values: Record<K, string>; pathOf(k: K): string; onChange(k: K, v: string): void }) {
  return (
    <div className="cfg-grid">
      {keys.map((k) => {
        const meta = LABELS[k]!;
        return (
          <Field key={k} label={meta.label} path={pathOf(k)}>
            <TextInput name={k} type={meta.duration ? "text" : "number"} mono={meta.duration} min={0} value={values[k]} onChange={(v) => onChange(k, v)} placeholder={meta.placeholder} />
          </Field>
        );
      })}
    </div>
  );
}

function LoadBalancerFields({ p, set }: { p: TrafficPolicyForm; set(patch: Partial<TrafficPolicyForm>): void }) {
  const hashPath = (...rest: string[]) => drPath.policy("loadBalancer", "consistentHash", ...rest);
  return (
    <Section title="Load balancer" path={drPath.policy("loadBalancer")}>
      <div className="cfg-row">
        <Field label="Policy" path={drPath.policy("loadBalancer", "simple")}>
          <select name="lb" value={p.lb === "simple" ? p.simple : p.lb} onChange={(e) => (e.target.value === "" || e.target.value === "consistentHash" ? set({ lb: e.target.value as TrafficPolicyForm["lb"] }) : set({ lb: "simple", simple: e.target.value }))}>
            <option value="">default (round robin)</option>
            {SIMPLE_LB.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="consistentHash">consistent hash (sticky)</option>
          </select>
        </Field>
        {p.lb === "consistentHash" && (
          <>
            <Field label="Hash on" path={hashPath()}>
              <select name="hashKey" value={p.hashKey} onChange={(e) => set({ hashKey: e.target.value as HashKey })}>
                <option value="header">HTTP header</option>
                <option value="cookie">HTTP cookie</option>
                <option value="sourceIp">source IP</option>
                <option value="query">query parameter</option>
              </select>
            </Field>
            {p.hashKey === "header" && (
              <Field label="Header name" path={hashPath("httpHeaderName")} className="grow">
                <TextInput mono value={p.headerName} onChange={(headerName) => set({ headerName })} placeholder="x-user" />
              </Field>
            )}
            {p.hashKey === "cookie" && (
              <>
                <Field label="Cookie name" path={hashPath("httpCookie", "name")} className="grow">
                  <TextInput mono value={p.cookieName} onChange={(cookieName) => set({ cookieName })} placeholder="session" />
                </Field>
                <Field label="Path" path={hashPath("httpCookie")} className="narrow">
                  <TextInput mono value={p.cookiePath} onChange={(cookiePath) => set({ cookiePath })} placeholder="/" />
                </Field>
                <Field label="TTL" path={hashPath("httpCookie", "ttl")} className="narrow" hint="leave empty: meshdash proxies refuse generated cookies (a TTL) with a NACK">
                  <TextInput mono value={p.cookieTtl} onChange={(cookieTtl) => set({ cookieTtl })} placeholder="0s" />
                </Field>
              </>
            )}
            {p.hashKey === "query" && (
              <Field label="Query parameter" path={hashPath("httpQueryParameterName")} className="grow">
                <TextInput mono value={p.queryName} onChange={(queryName) => set({ queryName })} placeholder="user" />
              </Field>
            )}
          </>
        )}
      </div>
      {(Object.keys(p.lbExtra).length > 0 || Object.keys(p.hashExtra).length > 0) && <p className="muted cfg-note">Also sets {[...Object.keys(p.lbExtra), ...Object.keys(p.hashExtra)].join(", ")}; kept as is (edit in YAML).</p>}
    </Section>
  );
}

export interface DestinationRuleFieldsProps {
  value: DestinationRuleForm;
  isNew: boolean;
  options: RuleOptions;
  onChange(next: DestinationRuleForm): void;
}

export function DestinationRuleFields({ value: f, isNew, options, onChange }: DestinationRuleFieldsProps) {
  const set = (patch: Partial<DestinationRuleForm>) => onChange({ ...f, ...patch });
  const p = f.policy;
  const setPolicy = (patch: Partial<TrafficPolicyForm>) => set({ policy: { ...p, ...patch } });
  const hosts = hostChoices(options.services, f.namespace, f.host);
  const suggestions = labelSuggestions(options.services, f.host, f.namespace);
  return (
    <div className="cfg-form" data-testid="destination-rule-form">
      <Section title="DestinationRule">
        <div className="cfg-row">
          <Field label="Name" path={drPath.name} className="grow">
            <TextInput name="name" value={f.name} onChange={(name) => set({ name })} placeholder="reviews" />
          </Field>
          <Field label="Namespace" path={drPath.namespace}>
            <TextInput name="namespace" value={f.namespace} onChange={(namespace) => set({ namespace })} placeholder="default" />
          </Field>
          <Field label="Host" path={drPath.host} className="grow">
            <select name="host" value={f.host} onChange={(e) => set({ host: e.target.value, name: isNew && !f.name ? e.target.value.split(".")[0]! : f.name })}>
              <option value="">— choose a service —</option>
              {hosts.map((h) => (
                <option key={h.value} value={h.value}>
                  {h.value === h.label ? h.value : `${h.value}  (${h.label})`}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {!isNew && <p className="muted cfg-note">Changing the name or namespace creates a new rule; the old one stays.</p>}
      </Section>
      <Section title="Traffic policy" path={drPath.policy()}>
        <LoadBalancerFields p={p} set={setPolicy} />
        <Section title="Connection pool (circuit breakers)" path={drPath.policy("connectionPool")}>
          <ProblemList path={drPath.policy("connectionPool", "tcp")} />
          <ProblemList path={drPath.policy("connectionPool", "http")} />
          <NumberGrid keys={POOL_TCP} values={p.tcp} pathOf={(k) => drPath.policy("connectionPool", "tcp", k)} onChange={(k, v) => setPolicy({ tcp: { ...p.tcp, [k]: v } })} />
          <NumberGrid keys={POOL_HTTP} values={p.http} pathOf={(k) => drPath.policy("connectionPool", "http", k)} onChange={(k, v) => setPolicy({ http: { ...p.http, [k]: v } })} />
        </Section>
        <Section title="Outlier detection" path={drPath.policy("outlierDetection")}>
          <NumberGrid keys={OUTLIER} values={p.outlier} pathOf={(k) => drPath.policy("outlierDetection", k)} onChange={(k, v) => setPolicy({ outlier: { ...p.outlier, [k]: v } })} />
        </Section>
        {Object.keys(p.extra).length > 0 && <p className="muted cfg-note">Also sets {Object.keys(p.extra).join(", ")}; kept as is (edit in YAML).</p>}
      </Section>
      <Section
        title="Subsets"
        path={drPath.subsets}
        actions={
          <button type="button" className="btn ghost cfg-small" onClick={() => set({ subsets: [...f.subsets, emptySubset(`v${f.subsets.length + 1}`)] })}>
            + Subset
          </button>
        }
      >
        {f.subsets.length === 0 && <p className="muted cfg-note">No subsets. A VirtualService can route to a subset (e.g. a version) once it is defined here.</p>}
        {f.subsets.map((s, i) => {
          const labels = Object.fromEntries(s.labels.map((l) => [l.key.trim(), l.value.trim()]));
          const match = matchingEndpoints(options.services, f.host, f.namespace, labels);
          const setSubset = (patch: Partial<typeof s>) => set({ subsets: replaceAt(f.subsets, i, { ...s, ...patch }) });
          return (
            <div key={s.id} className="cfg-subset" data-testid="subset-row">
              <Field label="Subset name" path={drPath.subset(i, "name")}>
                <TextInput mono value={s.name} onChange={(name) => setSubset({ name })} placeholder="v1" />
              </Field>
              <div className="cfg-labels">
                <span className="cfg-sub-label">Labels</span>
                <ProblemList path={drPath.subset(i, "labels")} />
                {s.labels.map((l, k) => (
                  <div key={k} className="cfg-inline">
                    <Field label="Key" path={drPath.subset(i, "labels", l.key.trim())}>
                      <TextInput mono list="cfg-label-keys" value={l.key} onChange={(key) => setSubset({ labels: replaceAt(s.labels, k, { ...l, key }) })} placeholder="version" />
                    </Field>
                    <Field label="Value">
                      <TextInput mono list="cfg-label-values" value={l.value} onChange={(value) => setSubset({ labels: replaceAt(s.labels, k, { ...l, value }) })} placeholder="v1" />
                    </Field>
                    <IconButton label="remove label" onClick={() => setSubset({ labels: removeAt(s.labels, k) })}>
                      ✕
                    </IconButton>
                  </div>
                ))}
                <button type="button" className="btn ghost cfg-small" onClick={() => setSubset({ labels: [...s.labels, { key: "", value: "" }] })}>
                  + Label
                </button>
              </div>
              <div className="cfg-subset-side">
                {match && (
                  <span className={match.matching > 0 ? "cfg-ok" : "cfg-warn"} data-testid="subset-endpoints">
                    selects {match.matching} of {match.total} endpoints
                  </span>
                )}
                {Object.keys(s.extra).length > 0 && <span className="muted">also sets {Object.keys(s.extra).join(", ")} (YAML)</span>}
                <IconButton label={`remove subset ${s.name || i + 1}`} onClick={() => set({ subsets: removeAt(f.subsets, i) })}>
                  ✕
                </IconButton>
              </div>
            </div>
          );
        })}
        <datalist id="cfg-label-keys">
          {suggestions.keys.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <datalist id="cfg-label-values">
          {suggestions.values.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      </Section>
    </div>
  );
}
