// Parses `meshdash tap` flags (Linkerd's `viz tap` vocabulary, plus meshdash's scope, outcome and body
// flags) into an ObserveRequest and output options. Mistakes throw ArgError with the flag's name.

import { create } from "@bufbuild/protobuf";
import { parseArgs } from "node:util";
import {
  MatchSchema,
  ObserveRequestSchema,
  ProxyDirection,
  Scheme,
  type Match,
  type ObserveRequest,
} from "../../proto/gen/meshdash/tap/v1/tap_pb";

export class ArgError extends Error {
  override name = "ArgError";
}

export interface TapArgs {
  /** Base URL of the dashboard (pages, Connect and gRPC share its port). */
  baseUrl: string;
  request: ObserveRequest;
  output: "text" | "json";
  help: boolean;
}

/** The server's own maximum: in practice, stream until interrupted. */
export const DEFAULT_LIMIT = 100_000;
export const DEFAULT_SERVER = "127.0.0.1:3000";

export const TAP_USAGE = `Usage: meshdash tap [flags]

Streams live requests from the mesh's proxies, one line per event (req, rsp, end), like linkerd viz tap.

Where:
  --server HOST:PORT      dashboard address (default ${DEFAULT_SERVER}, or $MESHDASH_SERVER)
                          $MESHDASH_TOKEN: the access token, when the dashboard is bound beyond loopback
  --service HOST          the sidecars of a service: reviews, reviews.default or reviews.default.svc.cluster.local
  --workload NAME         one workload's sidecar, e.g. reviews-v2-0
  --proxy ID              one proxy by node id
  --direction DIR         inbound or outbound (default both)
Which requests:
  --path PREFIX           paths starting with PREFIX
  --method METHOD         e.g. GET
  --authority AUTHORITY   this :authority exactly
  --scheme SCHEME         http or https
  --to-label KEY=VALUE    destination label (service, namespace, subset, workload, cluster); repeatable
  --route-label KEY=VALUE route label (route, virtual_host); repeatable
Which outcomes (decided when a request ends):
  --status LIST           status classes or codes, e.g. 5xx or 4xx,503
  --errors                only errors: 5xx, resets, gRPC failures, any response flag
  --min-latency DURATION  only requests at least this slow, e.g. 100ms or 1.5s
How much:
  --limit N               stop after N requests (default ${DEFAULT_LIMIT})
  --max-rps N             at most N requests per second across the mesh (default: the server's, 100)
  --headers               include request/response headers and trailers (secrets redacted)
  --body-bytes N          capture up to N bytes of each body, at most 65536 (shown with -o json)
  -o, --output FORMAT     text (default) or json (one TapEvent per line, proto3 JSON)
  -h, --help
`;

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000 };

/** "100ms", "1.5s", "250us" to milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m)$/.exec(text.trim());
  if (!m) throw new ArgError(`--${flag}: "${text}" is not a duration (e.g. 100ms, 1.5s)`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function parseCount(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 2 ** 32 - 1) throw new ArgError(`--${flag}: "${text}" is not a whole number${min ? ` >= ${min}` : ""}`);
  return Number(text);
}

function parseStatus(list: string[]): { classes: number[]; codes: number[] } {
  const classes: number[] = [];
  const codes: number[] = [];
  for (const item of list.flatMap((s) => s.split(",")).map((s) => s.trim().toLowerCase())) {
    if (/^[1-5]xx$/.test(item)) classes.push(Number(item[0]));
    else if (/^[1-5]\d\d$/.test(item)) codes.push(Number(item));
    else throw new ArgError(`--status: "${item}" is neither a status class (5xx) nor a code (503)`);
  }
  return { classes, codes };
}

function parseLabel(flag: string, text: string): { key: string; value: string } {
  const i = text.indexOf("=");
  if (i <= 0) throw new ArgError(`--${flag}: "${text}" is not KEY=VALUE`);
  return { key: text.slice(0, i), value: text.slice(i + 1) };
}

function baseUrlOf(server: string): string {
  const url = /^https?:\/\//.test(server) ? server : `http://${server}`;
  try {
    const u = new URL(url);
    if (!u.hostname) throw new Error();
    return `${u.protocol}//${u.host}`;
  } catch {
    throw new ArgError(`--server: "${server}" is not HOST:PORT`);
  }
}

export function parseTapArgs(argv: string[], env: Record<string, string | undefined> = {}): TapArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string" },
        service: { type: "string" },
        workload: { type: "string" },
        proxy: { type: "string" },
        direction: { type: "string" },
        path: { type: "string" },
        method: { type: "string" },
        authority: { type: "string" },
        scheme: { type: "string" },
        "to-label": { type: "string", multiple: true },
        "route-label": { type: "string", multiple: true },
        status: { type: "string", multiple: true },
        errors: { type: "boolean" },
        "min-latency": { type: "string" },
        limit: { type: "string" },
        "max-rps": { type: "string" },
        headers: { type: "boolean" },
        "body-bytes": { type: "string" },
        output: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new ArgError((e as Error).message);
  }
  const output = values.output ?? "text";
  if (output !== "text" && output !== "json") throw new ArgError(`--output: "${output}" is not text or json`);
  const direction = values.direction?.toLowerCase();
  if (direction !== undefined && direction !== "inbound" && direction !== "outbound") throw new ArgError(`--direction: "${values.direction}" is not inbound or outbound`);
  const scheme = values.scheme?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") throw new ArgError(`--scheme: "${values.scheme}" is not http or https`);

  const matches: Match[] = [];
  const http = (value: object) => matches.push(create(MatchSchema, { match: { case: "http", value: { match: value as never } } }));
  if (values.path !== undefined) http({ case: "path", value: { match: { case: "prefix", value: values.path } } });
  if (values.method !== undefined) http({ case: "method", value: values.method.toUpperCase() });
  if (values.authority !== undefined) http({ case: "authority", value: { match: { case: "exact", value: values.authority } } });
  if (scheme !== undefined) http({ case: "scheme", value: scheme === "https" ? Scheme.HTTPS : Scheme.HTTP });
  for (const l of values["to-label"] ?? []) matches.push(create(MatchSchema, { match: { case: "destinationLabel", value: parseLabel("to-label", l) } }));
  for (const l of values["route-label"] ?? []) matches.push(create(MatchSchema, { match: { case: "routeLabel", value: parseLabel("route-label", l) } }));
  const match = matches.length === 0 ? undefined : matches.length === 1 ? matches[0] : create(MatchSchema, { match: { case: "all", value: { matches } } });

  const status = parseStatus(values.status ?? []);
  const minMs = values["min-latency"] === undefined ? 0 : parseDuration("min-latency", values["min-latency"]);
  const minNanos = BigInt(Math.round(minMs * 1e6));
  const request = create(ObserveRequestSchema, {
    limit: parseCount("limit", values.limit, 1) ?? DEFAULT_LIMIT,
    maxRps: parseCount("max-rps", values["max-rps"], 0) ?? 0,
    bodyBytes: parseCount("body-bytes", values["body-bytes"], 0) ?? 0,
    match,
    extract: values.headers ? { extract: { case: "http", value: { extract: { case: "headers", value: {} } } } } : undefined,
    outcome: {
      statusClasses: status.classes,
      statusCodes: status.codes,
      errorsOnly: values.errors ?? false,
      minLatency: minNanos > 0n ? { seconds: minNanos / 1_000_000_000n, nanos: Number(minNanos % 1_000_000_000n) } : undefined,
    },
    scope: {
      service: values.service ?? "",
      workload: values.workload ?? "",
      proxy: values.proxy ?? "",
      direction: direction === "inbound" ? ProxyDirection.INBOUND : direction === "outbound" ? ProxyDirection.OUTBOUND : ProxyDirection.UNSPECIFIED,
    },
  });
  return { baseUrl: baseUrlOf(values.server || env.MESHDASH_SERVER || DEFAULT_SERVER), request, output, help: values.help ?? false };
}
