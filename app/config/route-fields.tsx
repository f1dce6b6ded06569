// One HTTP route of a VirtualService: name, matches, destinations with weights, timeout, retries, fault
// injection (delay, abort) and rewrites (URI, authority).
"use client";

import { DestinationsFields } from "./destinations-fields";
import { Field, ProblemList, Section, TextInput, Toggle } from "./form-controls";
import { MatchFields } from "./match-fields";
import type { RuleOptions } from "./rule-options";
import { vsPath, type FaultForm, type HttpRouteForm, type RetriesForm } from "./virtual-service-form";
import { RETRY_ON } from "./virtual-service-schema";

export interface RouteFieldsProps {
  index: number;
  route: HttpRouteForm;
  namespace: string;
  options: RuleOptions;
  onChange(next: HttpRouteForm): void;
}

export function RouteFields({ index: i, route, namespace, options, onChange }: RouteFieldsProps) {
  const set = (patch: Partial<HttpRouteForm>) => onChange({ ...route, ...patch });
  const retries = (patch: Partial<RetriesForm>) => set({ retries: { ...route.retries, ...patch } });
  const fault = (patch: Partial<FaultForm>) => set({ fault: { ...route.fault, ...patch } });
  return (
    <div className="cfg-route-body">
      <div className="cfg-row">
        <Field label="Route name" path={vsPath.route(i, "name")} className="grow">
          <TextInput value={route.name} onChange={(name) => set({ name })} placeholder="optional, e.g. reviews-split" />
        </Field>
        <Field label="Timeout" path={vsPath.route(i, "timeout")} className="narrow">
          <TextInput mono value={route.timeout} onChange={(timeout) => set({ timeout })} placeholder="e.g. 3s" />
        </Field>
      </div>
      <Section title="Match" path={vsPath.route(i, "match")}>
        <MatchFields route={i} matches={route.matches} onChange={(matches) => set({ matches })} />
      </Section>
      <Section title="Destinations">
        <DestinationsFields route={i} namespace={namespace} destinations={route.destinations} options={options} onChange={(destinations) => set({ destinations })} />
      </Section>
      <div className="cfg-columns">
        <Section title={<Toggle label="Retries" checked={route.retries.enabled} onChange={(enabled) => retries({ enabled, attempts: enabled && !route.retries.attempts ? "2" : route.retries.attempts })} />} path={vsPath.route(i, "retries")}>
          {!route.retries.enabled && <p className="muted cfg-note">Off: a failed request is not retried.</p>}
          {route.retries.enabled && (
            <div className="cfg-row">
              <Field label="Attempts" path={vsPath.route(i, "retries", "attempts")} className="narrow">
                <TextInput type="number" min={0} value={route.retries.attempts} onChange={(attempts) => retries({ attempts })} />
              </Field>
              <Field label="Per-try timeout" path={vsPath.route(i, "retries", "perTryTimeout")} className="narrow">
                <TextInput mono value={route.retries.perTryTimeout} onChange={(perTryTimeout) => retries({ perTryTimeout })} placeholder="1s" />
              </Field>
              <Field label="Retry on" path={vsPath.route(i, "retries", "retryOn")} className="grow">
                <TextInput mono list="cfg-retry-on" value={route.retries.retryOn} onChange={(retryOn) => retries({ retryOn })} placeholder="5xx,connect-failure,reset" />
              </Field>
            </div>
          )}
        </Section>
        <Section title="Rewrite" path={vsPath.route(i, "rewrite")}>
          <div className="cfg-row">
            <Field label="URI prefix" path={vsPath.route(i, "rewrite", "uri")} className="grow">
              <TextInput mono value={route.rewrite.uri} onChange={(uri) => set({ rewrite: { ...route.rewrite, uri } })} placeholder="/v2/reviews" />
            </Field>
            <Field label="Authority" path={vsPath.route(i, "rewrite", "authority")} className="grow">
              <TextInput mono value={route.rewrite.authority} onChange={(authority) => set({ rewrite: { ...route.rewrite, authority } })} placeholder="reviews.internal" />
            </Field>
          </div>
        </Section>
      </div>
      <Section title="Fault injection" path={vsPath.route(i, "fault")}>
        <div className="cfg-columns">
          <div>
            <Toggle label="Delay" checked={route.fault.delay} onChange={(delay) => fault({ delay, fixedDelay: delay && !route.fault.fixedDelay ? "1s" : route.fault.fixedDelay })} />
            <ProblemsRow path={vsPath.route(i, "fault", "delay")} />
            {route.fault.delay && (
              <div className="cfg-row">
                <Field label="Fixed delay" path={vsPath.route(i, "fault", "delay", "fixedDelay")} className="narrow">
                  <TextInput mono value={route.fault.fixedDelay} onChange={(fixedDelay) => fault({ fixedDelay })} placeholder="5s" />
                </Field>
                <Field label="Of requests %" path={vsPath.route(i, "fault", "delay", "percentage")} className="narrow">
                  <TextInput type="number" min={0} max={100} value={route.fault.delayPercent} onChange={(delayPercent) => fault({ delayPercent })} placeholder="100" />
                </Field>
              </div>
            )}
          </div>
          <div>
            <Toggle label="Abort" checked={route.fault.abort} onChange={(abort) => fault({ abort, httpStatus: abort && !route.fault.httpStatus ? "503" : route.fault.httpStatus })} />
            <ProblemsRow path={vsPath.route(i, "fault", "abort")} />
            {route.fault.abort && (
              <div className="cfg-row">
                <Field label="HTTP status" path={vsPath.route(i, "fault", "abort", "httpStatus")} className="narrow">
                  <TextInput type="number" min={200} max={599} value={route.fault.httpStatus} onChange={(httpStatus) => fault({ httpStatus })} />
                </Field>
                <Field label="Of requests %" path={vsPath.route(i, "fault", "abort", "percentage")} className="narrow">
                  <TextInput type="number" min={0} max={100} value={route.fault.abortPercent} onChange={(abortPercent) => fault({ abortPercent })} placeholder="100" />
                </Field>
              </div>
            )}
          </div>
        </div>
      </Section>
      {Object.keys(route.extra).length > 0 && <p className="muted cfg-note">This route also sets {Object.keys(route.extra).join(", ")}; kept as is (edit in YAML).</p>}
      <datalist id="cfg-retry-on">
        {RETRY_ON.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
    </div>
  );
}

function ProblemsRow({ path }: { path: string }) {
  return (
    <div className="cfg-section-problems">
      <ProblemList path={path} />
    </div>
  );
}
