// The DestinationRule form's state (load balancer, connection pool, outlier detection, subsets) and its
// conversion to and from Istio's object; keys the form does not edit ride along in `extra`.

import { asObj, compact, extraKeys, isObj, nonEmpty, numOrText, optText, text, type Obj } from "./form-kit";
import { formatPath } from "./field-paths";
import { ISTIO_API_VERSION, newKey, type FromIstio } from "./virtual-service-form";

export const SIMPLE_LB = ["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH", "UNSPECIFIED"] as const;
export type HashKey = "header" | "cookie" | "sourceIp" | "query";

export interface LabelForm {
  key: string;
  value: string;
}

export interface SubsetForm {
  /** React key only. */
  id: string;
  name: string;
  labels: LabelForm[];
  /** Subset keys the form does not edit (trafficPolicy). */
  extra: Obj;
}

export const POOL_TCP = ["maxConnections", "connectTimeout"] as const;
export const POOL_HTTP = ["http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries", "idleTimeout"] as const;
export const OUTLIER = ["consecutive5xxErrors", "consecutiveGatewayErrors", "interval", "baseEjectionTime", "maxEjectionPercent", "minHealthPercent"] as const;
const DURATIONS: ReadonlySet<string> = new Set(["connectTimeout", "idleTimeout", "interval", "baseEjectionTime"]);

export interface TrafficPolicyForm {
  /** "" = no loadBalancer. */
  lb: "" | "simple" | "consistentHash";
  simple: string;
  hashKey: HashKey;
  headerName: string;
  cookieName: string;
  cookiePath: string;
  cookieTtl: string;
  queryName: string;
  tcp: Record<(typeof POOL_TCP)[number], string>;
  http: Record<(typeof POOL_HTTP)[number], string>;
  outlier: Record<(typeof OUTLIER)[number], string>;
  lbExtra: Obj;
  hashExtra: Obj;
  tcpExtra: Obj;
  httpExtra: Obj;
  poolExtra: Obj;
  outlierExtra: Obj;
  extra: Obj;
}

export interface DestinationRuleForm {
  apiVersion: string;
  name: string;
  namespace: string;
  host: string;
  policy: TrafficPolicyForm;
  subsets: SubsetForm[];
  specExtra: Obj;
  metadataExtra: Obj;
}

const blank = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, ""])) as Record<K, string>;

export function emptyPolicy(): TrafficPolicyForm {
  return {
    lb: "",
    simple: "ROUND_ROBIN",
    hashKey: "header",
    headerName: "",
    cookieName: "",
    cookiePath: "",
    cookieTtl: "",
    queryName: "",
    tcp: blank(POOL_TCP),
    http: blank(POOL_HTTP),
    outlier: blank(OUTLIER),
    lbExtra: {},
    hashExtra: {},
    tcpExtra: {},
    httpExtra: {},
    poolExtra: {},
    outlierExtra: {},
    extra: {},
  };
}

export const emptySubset = (name = ""): SubsetForm => ({ id: newKey(), name, labels: [{ key: "version", value: name }], extra: {} });

export function newDestinationRule(namespace = "default"): DestinationRuleForm {
  return { apiVersion: ISTIO_API_VERSION, name: "", namespace, host: "", policy: emptyPolicy(), subsets: [], specExtra: {}, metadataExtra: {} };
}

// ---- Istio → form -------------------------------------------------------------------------------

const texts = <K extends string>(keys: readonly K[], o: Obj) => Object.fromEntries(keys.map((k) => [k, text(o[k])])) as Record<K, string>;

function policyFromIstio(v: unknown): TrafficPolicyForm {
  const p = asObj(v);
  const lb = asObj(p.loadBalancer);
  const hash = asObj(lb.consistentHash);
  const cookie = asObj(hash.httpCookie);
  const pool = asObj(p.connectionPool);
  const tcp = asObj(pool.tcp);
  const http = asObj(pool.http);
  const outlier = asObj(p.outlierDetection);
  const hashKey: HashKey = hash.httpCookie !== undefined ? "cookie" : hash.useSourceIp !== undefined ? "sourceIp" : hash.httpQueryParameterName !== undefined ? "query" : "header";
  return {
    lb: lb.consistentHash !== undefined ? "consistentHash" : lb.simple !== undefined ? "simple" : "",
    simple: text(lb.simple) || "ROUND_ROBIN",
    hashKey,
    headerName: text(hash.httpHeaderName),
    cookieName: text(cookie.name),
    cookiePath: text(cookie.path),
    cookieTtl: text(cookie.ttl),
    queryName: text(hash.httpQueryParameterName),
    tcp: texts(POOL_TCP, tcp),
    http: texts(POOL_HTTP, http),
    outlier: texts(OUTLIER, outlier),
    lbExtra: extraKeys(lb, ["simple", "consistentHash"]),
    hashExtra: extraKeys(hash, ["httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"]),
    tcpExtra: extraKeys(tcp, POOL_TCP),
    httpExtra: extraKeys(http, POOL_HTTP),
    poolExtra: extraKeys(pool, ["tcp", "http"]),
    outlierExtra: extraKeys(outlier, OUTLIER),
    extra: extraKeys(p, ["loadBalancer", "connectionPool", "outlierDetection"]),
  };
}

function subsetFromIstio(v: unknown): SubsetForm {
  const o = asObj(v);
  return { id: newKey(), name: text(o.name), labels: Object.entries(asObj(o.labels)).map(([key, value]) => ({ key, value: text(value) })), extra: extraKeys(o, ["name", "labels"]) };
}

export function destinationRuleFromIstio(doc: unknown): FromIstio<DestinationRuleForm> {
  if (!isObj(doc) || doc.kind !== "DestinationRule") return { problem: "not a DestinationRule document" };
  const meta = asObj(doc.metadata);
  const spec = asObj(doc.spec);
  if (spec.subsets !== undefined && !Array.isArray(spec.subsets)) return { problem: "spec.subsets is not a list; edit it as YAML" };
  if (spec.trafficPolicy !== undefined && !isObj(spec.trafficPolicy)) return { problem: "spec.trafficPolicy is not a mapping; edit it as YAML" };
  return {
    form: {
      apiVersion: text(doc.apiVersion) || ISTIO_API_VERSION,
      name: text(meta.name),
      namespace: text(meta.namespace),
      host: text(spec.host),
      policy: policyFromIstio(spec.trafficPolicy),
      subsets: ((spec.subsets as unknown[] | undefined) ?? []).map(subsetFromIstio),
      specExtra: extraKeys(spec, ["host", "trafficPolicy", "subsets"]),
      metadataExtra: extraKeys(meta, ["name", "namespace"]),
    },
  };
}

// ---- form → Istio -------------------------------------------------------------------------------

function values(keys: readonly string[], form: Record<string, string>): Obj {
  return Object.fromEntries(keys.map((k) => [k, DURATIONS.has(k) ? optText(form[k] ?? "") : numOrText(form[k] ?? "")]));
}

function hashToIstio(p: TrafficPolicyForm): Obj {
  const key =
    p.hashKey === "header"
      ? { httpHeaderName: p.headerName.trim() }
      : p.hashKey === "cookie"
        ? { httpCookie: compact({ name: p.cookieName.trim(), path: optText(p.cookiePath), ttl: optText(p.cookieTtl) }) }
        : p.hashKey === "sourceIp"
          ? { useSourceIp: true }
          : { httpQueryParameterName: p.queryName.trim() };
  return { ...key, ...p.hashExtra };
}

export function policyToIstio(p: TrafficPolicyForm): Obj | undefined {
  const loadBalancer = p.lb === "" ? nonEmpty(p.lbExtra) : compact({ simple: p.lb === "simple" ? p.simple : undefined, consistentHash: p.lb === "consistentHash" ? hashToIstio(p) : undefined, ...p.lbExtra });
  const connectionPool = nonEmpty({ tcp: nonEmpty({ ...values(POOL_TCP, p.tcp), ...p.tcpExtra }), http: nonEmpty({ ...values(POOL_HTTP, p.http), ...p.httpExtra }), ...p.poolExtra });
  const outlierDetection = nonEmpty({ ...values(OUTLIER, p.outlier), ...p.outlierExtra });
  return nonEmpty({ loadBalancer, connectionPool, outlierDetection, ...p.extra });
}

export function destinationRuleToIstio(f: DestinationRuleForm): Obj {
  return {
    apiVersion: f.apiVersion || ISTIO_API_VERSION,
    kind: "DestinationRule",
    metadata: compact({ name: f.name.trim(), namespace: optText(f.namespace), ...f.metadataExtra }),
    spec: compact({
      host: f.host.trim(),
      trafficPolicy: policyToIstio(f.policy),
      subsets: f.subsets.length ? f.subsets.map((s) => compact({ name: s.name.trim(), labels: Object.fromEntries(s.labels.map((l) => [l.key.trim(), l.value.trim()])), ...s.extra })) : undefined,
      ...f.specExtra,
    }),
  };
}

// ---- where each field's problems show --------------------------------------------------------------

export const drPath = {
  name: "metadata.name",
  namespace: "metadata.namespace",
  host: "spec.host",
  policy: (...rest: string[]) => formatPath(["spec", "trafficPolicy", ...rest]),
  subsets: "spec.subsets",
  subset: (i: number, ...rest: (string | number)[]) => formatPath(["spec", "subsets", i, ...rest]),
};

export function destinationRulePaths(f: DestinationRuleForm): Set<string> {
  const s = new Set<string>([drPath.name, drPath.namespace, drPath.host, drPath.subsets, drPath.policy()]);
  const policy = [
    ["loadBalancer"],
    ["loadBalancer", "simple"],
    ["loadBalancer", "consistentHash"],
    ["loadBalancer", "consistentHash", "httpHeaderName"],
    ["loadBalancer", "consistentHash", "httpCookie"],
    ["loadBalancer", "consistentHash", "httpCookie", "name"],
    ["loadBalancer", "consistentHash", "httpCookie", "ttl"],
    ["loadBalancer", "consistentHash", "httpQueryParameterName"],
    ["connectionPool"],
    ["connectionPool", "tcp"],
    ["connectionPool", "http"],
    ["outlierDetection"],
    ...POOL_TCP.map((k) => ["connectionPool", "tcp", k]),
    ...POOL_HTTP.map((k) => ["connectionPool", "http", k]),
    ...OUTLIER.map((k) => ["outlierDetection", k]),
  ];
  for (const p of policy) s.add(drPath.policy(...p));
  f.subsets.forEach((sub, i) => {
    for (const p of [[], ["name"], ["labels"]] as string[][]) s.add(drPath.subset(i, ...p));
    sub.labels.forEach((l) => s.add(drPath.subset(i, "labels", l.key.trim())));
  });
  return s;
}
