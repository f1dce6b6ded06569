// The "Test a request" form's state: method, authority, path and headers (one "name: value" a line),
// validated as the user types, and the ExplainRoute request it becomes.

export interface ExplainForm {
  method: string;
  authority: string;
  path: string;
  /** One header a line, "name: value". */
  headers: string;
}

export const EXPLAIN_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

export const EMPTY_FORM: ExplainForm = { method: "GET", authority: "", path: "/", headers: "" };

export type ExplainErrors = Partial<Record<keyof ExplainForm, string>>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses the headers box; returns the headers or the first bad line's problem. */
export function parseHeaders(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const colon = line.indexOf(":", line.startsWith(":") ? 1 : 0);
    if (colon <= 0) return { error: `line ${i + 1}: write "name: value"` };
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name.startsWith(":")) return { error: `line ${i + 1}: set ${name} with the method, authority and path fields` };
    if (!TOKEN.test(name)) return { error: `line ${i + 1}: "${name}" is not a header name` };
    const value = line.slice(colon + 1).trim();
    // Envoy matches repeated headers joined with ",".
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers };
}

export function validateExplain(f: ExplainForm): ExplainErrors {
  const errors: ExplainErrors = {};
  if (!f.path.startsWith("/")) errors.path = 'must start with "/"';
  else if (/\s/.test(f.path)) errors.path = "no spaces";
  if (/\s/.test(f.authority)) errors.authority = "no spaces";
  const h = parseHeaders(f.headers);
  if ("error" in h) errors.headers = h.error;
  return errors;
}

export function toExplainRequest(proxy: string, f: ExplainForm) {
  const h = parseHeaders(f.headers);
  return { proxy, method: f.method, authority: f.authority.trim(), path: f.path, headers: "headers" in h ? h.headers : {} };
}
