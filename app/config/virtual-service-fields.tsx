// The VirtualService form: name, namespace, hosts, gateways and the ordered HTTP routes (first match wins),
// each route in its own card that can be moved, removed or added.
"use client";

import { Field, IconButton, move, ProblemList, removeAt, replaceAt, Section, TextInput } from "./form-controls";
import type { RuleOptions } from "./rule-options";
import { RouteFields } from "./route-fields";
import { emptyRoute, vsPath, type VirtualServiceForm } from "./virtual-service-form";

export interface VirtualServiceFieldsProps {
  value: VirtualServiceForm;
  isNew: boolean;
  options: RuleOptions;
  onChange(next: VirtualServiceForm): void;
}

export function VirtualServiceFields({ value: f, isNew, options, onChange }: VirtualServiceFieldsProps) {
  const set = (patch: Partial<VirtualServiceForm>) => onChange({ ...f, ...patch });
  const firstHost = f.hosts.find((h) => h.trim() !== "") ?? "";
  return (
    <div className="cfg-form" data-testid="virtual-service-form">
      <Section title="VirtualService">
        <div className="cfg-row">
          <Field label="Name" path={vsPath.name} className="grow">
            <TextInput name="name" value={f.name} onChange={(name) => set({ name })} placeholder="reviews" />
          </Field>
          <Field label="Namespace" path={vsPath.namespace}>
            <TextInput name="namespace" value={f.namespace} onChange={(namespace) => set({ namespace })} placeholder="default" />
          </Field>
          <Field label="Gateways" path={vsPath.gateways} className="grow" hint="empty = sidecars (mesh); a gateway name binds it to the ingress">
            <TextInput mono value={f.gateways} onChange={(gateways) => set({ gateways })} placeholder="bookinfo-gateway" />
          </Field>
        </div>
        {!isNew && <p className="muted cfg-note">Changing the name or namespace creates a new rule; the old one stays.</p>}
        <div className="cfg-hosts">
          <span className="cfg-sub-label">Hosts</span>
          <ProblemList path={vsPath.hosts} />
          {f.hosts.map((h, i) => (
            <div key={i} className="cfg-inline">
              <Field label={`Host ${i + 1}`} path={vsPath.host(i)} className="grow">
                <TextInput mono name="host" list="cfg-host-names" value={h} onChange={(v) => set({ hosts: replaceAt(f.hosts, i, v) })} placeholder="reviews" />
              </Field>
              <IconButton label={`remove host ${i + 1}`} onClick={() => set({ hosts: removeAt(f.hosts, i) })} disabled={f.hosts.length === 1}>
                ✕
              </IconButton>
            </div>
          ))}
          <button type="button" className="btn ghost cfg-small" onClick={() => set({ hosts: [...f.hosts, ""] })}>
            + Host
          </button>
          <datalist id="cfg-host-names">
            {options.services.map((s) => (
              <option key={s.hostname} value={s.namespace === (f.namespace || "default") ? s.name : s.hostname} />
            ))}
          </datalist>
        </div>
        {Object.keys(f.specExtra).length > 0 && <p className="muted cfg-note">Also sets {Object.keys(f.specExtra).join(", ")}; kept as is (edit in YAML).</p>}
      </Section>
      <div className="cfg-routes-head">
        <h3>HTTP routes</h3>
        <span className="muted">evaluated in order; the first match wins</span>
        <ProblemList path={vsPath.http} />
      </div>
      {f.http.map((r, i) => (
        <section key={r.key} className="card cfg-route" data-testid="route-card" data-index={i}>
          <header>
            <h3>
              Route {i + 1}
              {r.name && <span className="muted mono"> · {r.name}</span>}
            </h3>
            <ProblemList path={vsPath.route(i)} />
            <span className="cfg-spacer" />
            <IconButton label="move route up" onClick={() => set({ http: move(f.http, i, -1) })} disabled={i === 0}>
              ↑
            </IconButton>
            <IconButton label="move route down" onClick={() => set({ http: move(f.http, i, 1) })} disabled={i === f.http.length - 1}>
              ↓
            </IconButton>
            <IconButton label={`remove route ${i + 1}`} onClick={() => set({ http: removeAt(f.http, i) })}>
              ✕
            </IconButton>
          </header>
          <RouteFields index={i} route={r} namespace={f.namespace} options={options} onChange={(next) => set({ http: replaceAt(f.http, i, next) })} />
        </section>
      ))}
      <button type="button" className="btn" onClick={() => set({ http: [...f.http, emptyRoute(firstHost)] })}>
        + HTTP route
      </button>
    </div>
  );
}
