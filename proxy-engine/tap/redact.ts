// Secrets out of what tap, config dumps and access logs show: secret-bearing headers (Authorization, Cookie,
// API keys, plus any the operator names: REDACT_HEADERS) and, in captured bodies, JSON and form fields named
// like secrets and bearer/basic credentials.

export const REDACTED = "[REDACTED]";

export const DEFAULT_REDACTED_HEADERS: readonly string[] = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"];

let secretHeaders: ReadonlySet<string> = new Set(DEFAULT_REDACTED_HEADERS);

/**
 * Sets the headers redacted everywhere in this process: the defaults (which cannot be turned off) plus
 * `extra`, any case.
 */
export function redactHeaders(extra: readonly string[]): void {
  secretHeaders = new Set([...DEFAULT_REDACTED_HEADERS, ...extra.map((h) => h.toLowerCase())]);
  verdicts.clear();
}

export function redactedHeaders(): string[] {
  return [...secretHeaders];
}

/** Names seen so far and whether each is secret: tap asks for every header of every tapped request. */
const verdicts = new Map<string, boolean>();
/** Bounds `verdicts` (clients choose header names): past it, start over. */
const MAX_VERDICTS = 1024;

export function isSecretHeader(name: string): boolean {
  let v = verdicts.get(name);
  if (v === undefined) {
    v = secretHeaders.has(name.toLowerCase());
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(name, v);
  }
  return v;
}

/** A key that names a secret: password, passwd, secret, token, authorization, api_key, private_key, credential(s), session_id, cookie. */
const KEY = String.raw`[\w.-]*?(?:passw(?:or)?d|pwd|secret|token|authori[sz]ation|api[_-]?key|private[_-]?key|credentials?|session[_-]?id|cookie)[\w.-]*`;
/** "key": "value" (the value may be cut off by truncation). */
const JSON_FIELD = new RegExp(String.raw`("${KEY}"\s*:\s*)"(?:[^"\\]|\\.)*("|$)`, "gi");
/** key=value in form bodies and query strings. */
const FORM_FIELD = new RegExp(String.raw`((?:^|[&?;\s])${KEY}=)[^&;\s]*`, "gi");
const CREDENTIAL = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/gi;

/**
 * Redacts obvious secrets in a captured body. Works on bytes as latin1, which maps every byte to one
 * character and back, so bytes outside the replaced spans come out unchanged whatever the encoding.
 */
export function redactBody(data: Buffer): { data: Buffer; redacted: boolean } {
  const text = data.toString("latin1");
  const out = text
    .replace(JSON_FIELD, (_m, head: string, close: string) => `${head}"${REDACTED}${close}`)
    .replace(FORM_FIELD, (_m, head: string) => `${head}${REDACTED}`)
    .replace(CREDENTIAL, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  return out === text ? { data, redacted: false } : { data: Buffer.from(out, "latin1"), redacted: true };
}
