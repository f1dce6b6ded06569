// The VirtualService form's state, and its conversion to and from Istio's object. Keys the form does not
// edit (redirect, headers, queryParams, tcp, …) ride along in `extra` so a round trip loses nothing.

import { asObj, compact, extraKeys, isObj, numOrText, optText, ordered, splitList, stringMatchFromIstio, stringMatchToIstio, text, type Obj, type StringMatchForm } from "./form-kit";
import { formatPath } from "./field-paths";

export const ISTIO_API_VERSION = "networking.istio.io/v1";

export interface HeaderMatchForm {
  name: string;
  match: StringMatchForm;
}

export interface MatchForm {
  uri: StringMatchForm;
  method: StringMatchForm;
  headers: HeaderMatchForm[];
  extra: Obj;
}

export interface DestinationForm {
  host: string;
  subset: string;
  /** Port number as typed; "" = the service's only port. */
  port: string;
  /** Percent as typed; "" = unset (100 for a single destination). */
  weight: string;
  /** Destination keys the form does not edit. */
  destinationExtra: Obj;
  /** HTTPRouteDestination keys the form does not edit (headers). */
  extra: Obj;
}

export interface RetriesForm {
  enabled: boolean;
  attempts: string;
  perTryTimeout: string;
  retryOn: string;
  extra: Obj;
}

export interface FaultForm {
  delay: boolean;
  fixedDelay: string;
  delayPercent: string;
  abort: boolean;
  httpStatus: string;
  abortPercent: string;
  delayExtra: Obj;
  abortExtra: Obj;
}

export interface RewriteForm {
  uri: string;
  authority: string;
  extra: Obj;
}

export interface HttpRouteForm {
  /** React key only; never written out. */
  key: string;
  name: string;
  matches: MatchForm[];
  destinations: DestinationForm[];
  timeout: string;
  retries: RetriesForm;
  fault: FaultForm;
  rewrite: RewriteForm;
  extra: Obj;
}

export interface VirtualServiceForm {
  apiVersion: string;
  name: string;
  namespace: string;
  hosts: string[];
  /** Comma-separated gateway names; empty = the mesh (sidecars). */
  gateways: string;
  http: HttpRouteForm[];
  specExtra: Obj;
  metadataExtra: Obj;
}

let keySeq = 0;
export const newKey = () => `r${++keySeq}`;

export const emptyMatch = (): MatchForm => ({ uri: { kind: "prefix", value: "/" }, method: { kind: "", value: "" }, headers: [], extra: {} });
export const emptyDestination = (host = "", weight = ""): DestinationForm => ({ host, subset: "", port: "", weight, destinationExtra: {}, extra: {} });
const noRetries = (): RetriesForm => ({ enabled: false, attempts: "", perTryTimeout: "", retryOn: "", extra: {} });
const noFault = (): FaultForm => ({ delay: false, fixedDelay: "", delayPercent: "", abort: false, httpStatus: "", abortPercent: "", delayExtra: {}, abortExtra: {} });

export function emptyRoute(host = ""): HttpRouteForm {
  return { key: newKey(), name: "", matches: [], destinations: [emptyDestination(host)], timeout: "", retries: noRetries(), fault: noFault(), rewrite: { uri: "", authority: "", extra: {} }, extra: {} };
}

export function newVirtualService(namespace = "default"): VirtualServiceForm {
  return { apiVersion: ISTIO_API_VERSION, name: "", namespace, hosts: [""], gateways: "", http: [emptyRoute()], specExtra: {}, metadataExtra: {} };
}

// ---- Istio → form -------------------------------------------------------------------------------

export type FromIstio<T> = { form: T } | { problem: string };

class Unrepresentable extends Error {}

function match(v: unknown, where: string): StringMatchForm {
  const m = stringMatchFromIstio(v);
  if (!m) throw new Unrepresentable(`${where} is not a single exact, prefix or regex match`);
  return m;
}

function matchFromIstio(v: unknown, where: string): MatchForm {
  const o = asObj(v);
  const headers = Object.entries(asObj(o.headers)).map(([name, m]) => {
    const hm = match(m, `${where}.headers.${name}`);
    if (hm.kind === "") throw new Unrepresentable(`${where}.headers.${name} has no match`);
    return { name, match: hm };
  });
  if (o.headers !== undefined && !isObj(o.headers)) throw new Unrepresentable(`${where}.headers is not a mapping`);
  return { uri: match(o.uri, `${where}.uri`), method: match(o.method, `${where}.method`), headers, extra: extraKeys(o, ["uri", "method", "headers"]) };
}

function destinationFromIstio(v: unknown): DestinationForm {
  const o = asObj(v);
  const d = asObj(o.destination);
  const port = asObj(d.port);
  return {
    host: text(d.host),
    subset: text(d.subset),
    port: text(port.number),
    weight: text(o.weight),
    destinationExtra: extraKeys(d, ["host", "subset", "port"]),
    extra: extraKeys(o, ["destination", "weight"]),
  };
}

function routeFromIstio(v: unknown, i: number): HttpRouteForm {
  const o = asObj(v);
  const where = `http[${i}]`;
  if (o.match !== undefined && !Array.isArray(o.match)) throw new Unrepresentable(`${where}.match is not a list`);
  if (o.route !== undefined && !Array.isArray(o.route)) throw new Unrepresentable(`${where}.route is not a list`);
  const retries = asObj(o.retries);
  const fault = asObj(o.fault);
  const delay = asObj(fault.delay);
  const abort = asObj(fault.abort);
  const rewrite = asObj(o.rewrite);
  return {
    key: newKey(),
    name: text(o.name),
    matches: ((o.match as unknown[] | undefined) ?? []).map((m, j) => matchFromIstio(m, `${where}.match[${j}]`)),
    destinations: ((o.route as unknown[] | undefined) ?? []).map(destinationFromIstio),
    timeout: text(o.timeout),
    retries: {
      enabled: o.retries !== undefined,
      attempts: text(retries.attempts),
      perTryTimeout: text(retries.perTryTimeout),
      retryOn: text(retries.retryOn),
      extra: extraKeys(retries, ["attempts", "perTryTimeout", "retryOn"]),
    },
    fault: {
      delay: fault.delay !== undefined,
      fixedDelay: text(delay.fixedDelay),
      delayPercent: text(asObj(delay.percentage).value),
      abort: fault.abort !== undefined,
      httpStatus: text(abort.httpStatus),
      abortPercent: text(asObj(abort.percentage).value),
      delayExtra: extraKeys(delay, ["fixedDelay", "percentage"]),
      abortExtra: extraKeys(abort, ["httpStatus", "percentage"]),
    },
    rewrite: { uri: text(rewrite.uri), authority: text(rewrite.authority), extra: extraKeys(rewrite, ["uri", "authority"]) },
    extra: extraKeys(o, ["name", "match", "route", "timeout", "retries", "fault", "rewrite"]),
  };
}

/** The form for an Istio VirtualService object, or why the form cannot show it (edit it as YAML then). */
export function virtualServiceFromIstio(doc: unknown): FromIstio<VirtualServiceForm> {
  if (!isObj(doc) || doc.kind !== "VirtualService") return { problem: "not a VirtualService document" };
  const meta = asObj(doc.metadata);
  const spec = asObj(doc.spec);
  if (spec.hosts !== undefined && !Array.isArray(spec.hosts)) return { problem: "spec.hosts is not a list" };
  if (spec.http !== undefined && !Array.isArray(spec.http)) return { problem: "spec.http is not a list" };
  if (spec.gateways !== undefined && !Array.isArray(spec.gateways)) return { problem: "spec.gateways is not a list" };
  try {
    return {
      form: {
        apiVersion: text(doc.apiVersion) || ISTIO_API_VERSION,
        name: text(meta.name),
        namespace: text(meta.namespace),
        hosts: ((spec.hosts as unknown[] | undefined) ?? []).map(text),
        gateways: ((spec.gateways as unknown[] | undefined) ?? []).map(text).join(", "),
        http: ((spec.http as unknown[] | undefined) ?? []).map(routeFromIstio),
        specExtra: extraKeys(spec, ["hosts", "gateways", "http"]),
        metadataExtra: extraKeys(meta, ["name", "namespace"]),
      },
    };
  } catch (e) {
    if (e instanceof Unrepresentable) return { problem: `${e.message}; edit it as YAML` };
    throw e;
  }
}

// ---- form → Istio -------------------------------------------------------------------------------

const percent = (s: string) => (s.trim() === "" ? undefined : { value: numOrText(s) });

const ORDER = {
  spec: ["hosts", "gateways", "http"],
  route: ["name", "match", "route", "redirect", "directResponse", "rewrite", "timeout", "retries", "fault", "headers"],
  match: ["name", "uri", "scheme", "method", "authority", "headers", "withoutHeaders", "queryParams", "ignoreUriCase"],
  routeDestination: ["destination", "weight", "headers"],
  destination: ["host", "subset", "port"],
  retries: ["attempts", "perTryTimeout", "retryOn"],
  rewrite: ["uri", "authority", "uriRegexRewrite"],
} as const;

function matchToIstio(m: MatchForm): Obj {
  return ordered({
    uri: stringMatchToIstio(m.uri),
    method: stringMatchToIstio(m.method),
    headers: m.headers.length ? Object.fromEntries(m.headers.map((h) => [h.name.trim(), stringMatchToIstio(h.match) ?? {}])) : undefined,
    ...m.extra,
  }, ORDER.match);
}

function destinationToIstio(d: DestinationForm, count: number): Obj {
  const weight = numOrText(d.weight);
  return ordered(
    {
      destination: ordered({ host: d.host.trim(), subset: optText(d.subset), port: d.port.trim() ? { number: numOrText(d.port) } : undefined, ...d.destinationExtra }, ORDER.destination),
      // A lone destination takes all traffic; its weight is written only when it says something else.
      weight: count > 1 || (weight !== undefined && weight !== 100) ? weight : undefined,
      ...d.extra,
    },
    ORDER.routeDestination,
  );
}

function routeToIstio(r: HttpRouteForm): Obj {
  const rewrite = ordered({ uri: optText(r.rewrite.uri), authority: optText(r.rewrite.authority), ...r.rewrite.extra }, ORDER.rewrite);
  const fault = compact({
    delay: r.fault.delay ? compact({ fixedDelay: optText(r.fault.fixedDelay), percentage: percent(r.fault.delayPercent), ...r.fault.delayExtra }) : undefined,
    abort: r.fault.abort ? compact({ httpStatus: numOrText(r.fault.httpStatus), percentage: percent(r.fault.abortPercent), ...r.fault.abortExtra }) : undefined,
  });
  return ordered({
    name: optText(r.name),
    match: r.matches.length ? r.matches.map(matchToIstio) : undefined,
    route: r.destinations.length ? r.destinations.map((d) => destinationToIstio(d, r.destinations.length)) : undefined,
    rewrite: Object.keys(rewrite).length ? rewrite : undefined,
    timeout: optText(r.timeout),
    retries: r.retries.enabled ? ordered({ attempts: numOrText(r.retries.attempts), perTryTimeout: optText(r.retries.perTryTimeout), retryOn: optText(r.retries.retryOn), ...r.retries.extra }, ORDER.retries) : undefined,
    fault: Object.keys(fault).length ? fault : undefined,
    ...r.extra,
  }, ORDER.route);
}

export function virtualServiceToIstio(f: VirtualServiceForm): Obj {
  const gateways = splitList(f.gateways);
  return {
    apiVersion: f.apiVersion || ISTIO_API_VERSION,
    kind: "VirtualService",
    metadata: ordered({ name: f.name.trim(), namespace: optText(f.namespace), ...f.metadataExtra }, ["name", "namespace"]),
    spec: ordered(
      {
        hosts: f.hosts.map((h) => h.trim()),
        gateways: gateways.length ? gateways : undefined,
        http: f.http.length ? f.http.map(routeToIstio) : undefined,
        ...f.specExtra,
      },
      ORDER.spec,
    ),
  };
}

// ---- where each field's problems show --------------------------------------------------------------

/** Field paths, as the server reports them, for the inputs and sections of the VirtualService form. */
export const vsPath = {
  name: "metadata.name",
  namespace: "metadata.namespace",
  hosts: "spec.hosts",
  host: (i: number) => formatPath(["spec", "hosts", i]),
  gateways: "spec.gateways",
  http: "spec.http",
  route: (i: number, ...rest: (string | number)[]) => formatPath(["spec", "http", i, ...rest]),
  destinations: (i: number) => formatPath(["spec", "http", i, "route"]),
  destination: (i: number, k: number, ...rest: (string | number)[]) => formatPath(["spec", "http", i, "route", k, ...rest]),
  match: (i: number, j: number, ...rest: (string | number)[]) => formatPath(["spec", "http", i, "match", j, ...rest]),
};

/** Every path the form shows problems at; a problem deeper than these shows at its nearest ancestor. */
export function virtualServicePaths(f: VirtualServiceForm): Set<string> {
  const s = new Set<string>([vsPath.name, vsPath.namespace, vsPath.hosts, vsPath.gateways, vsPath.http]);
  f.hosts.forEach((_, i) => s.add(vsPath.host(i)));
  f.http.forEach((r, i) => {
    for (const p of [[], ["name"], ["match"], ["timeout"], ["retries"], ["retries", "attempts"], ["retries", "perTryTimeout"], ["retries", "retryOn"], ["fault"], ["fault", "delay"], ["fault", "delay", "fixedDelay"], ["fault", "delay", "percentage"], ["fault", "abort"], ["fault", "abort", "httpStatus"], ["fault", "abort", "percentage"], ["rewrite"], ["rewrite", "uri"], ["rewrite", "authority"]] as (string | number)[][]) {
      s.add(vsPath.route(i, ...p));
    }
    s.add(vsPath.destinations(i));
    r.matches.forEach((m, j) => {
      for (const p of [[], ["uri"], ["method"], ["headers"]] as string[][]) s.add(vsPath.match(i, j, ...p));
      m.headers.forEach((h) => s.add(vsPath.match(i, j, "headers", h.name.trim())));
    });
    r.destinations.forEach((_, k) => {
      for (const p of [[], ["destination"], ["destination", "host"], ["destination", "subset"], ["destination", "port"], ["weight"]] as string[][]) s.add(vsPath.destination(i, k, ...p));
    });
  });
  return s;
}
