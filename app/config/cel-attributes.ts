// The Istio attribute names a policy expression (CEL) can read, with a word on each, for the editor's hints.

export const CEL_ATTRIBUTES: readonly { name: string; hint: string }[] = [
  { name: "request.path", hint: "path with query, e.g. /details/1" },
  { name: "request.method", hint: "GET, POST, …" },
  { name: "request.host", hint: "the :authority" },
  { name: "request.headers", hint: 'a map: request.headers["x-user"]' },
  { name: "request.scheme", hint: "http or https" },
  { name: "request.size", hint: "body bytes" },
  { name: "request.id", hint: "x-request-id" },
  { name: "request.useragent", hint: "User-Agent" },
  { name: "source.workload.name", hint: "e.g. productpage-v1" },
  { name: "source.workload.namespace", hint: "caller's namespace" },
  { name: "source.ip", hint: "caller's address" },
  { name: "source.labels", hint: 'a map: source.labels["app"]' },
  { name: "destination.workload.name", hint: "the workload this proxy fronts" },
  { name: "destination.workload.namespace", hint: "" },
  { name: "destination.service.host", hint: "e.g. details.default.svc.cluster.local" },
  { name: "destination.service.name", hint: "e.g. details" },
  { name: "destination.service.namespace", hint: "" },
  { name: "destination.labels", hint: 'a map: destination.labels["version"]' },
  { name: "connection.mtls", hint: "bool" },
  { name: "connection.id", hint: "" },
  { name: "context.protocol", hint: "http, grpc, …" },
  { name: "context.reporter", hint: "source, destination or gateway" },
];

/** Example expressions, for placeholders. */
export const CEL_EXAMPLES = {
  match: 'request.path.startsWith("/admin") && source.workload.name == "productpage-v1"',
  dimension: 'request.headers["x-user"]',
};

/** `text` with `insert` put at [start, end), and where the caret goes after it. */
export function insertAt(text: string, insert: string, start: number, end: number): { text: string; caret: number } {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  return { text: `${text.slice(0, s)}${insert}${text.slice(e)}`, caret: s + insert.length };
}
