// Runtime options, read from the environment once by main.ts (and set directly by tests).

export interface RuntimeOptions {
  /** Interface the ingress listener, admin API and xDS server bind to. */
  host: string;
  ingressPort: number;
  adminPort: number;
  /** ADS gRPC server port (Istio's 15010). */
  xdsPort: number;
  /** Folder of the durable config store (config.db). */
  dataDir: string;
  /** ServiceEntry YAML file or folder to watch, added to the registry. */
  registryFile: string | undefined;
  /** A bootstrap file (Envoy static_resources, JSON or YAML) for the ingress proxy, instead of the demo mesh. */
  bootstrapFile: string | undefined;
  /** Demo traffic rate in requests per second; 0 turns the generator off. */
  demoTrafficRps: number;
  /** Push debounce: quiet period and maximum wait (PILOT_DEBOUNCE_AFTER, PILOT_DEBOUNCE_MAX). */
  debounceAfterMs: number;
  debounceMaxMs: number;
  /** Where the JSON access log adapter writes: a file path, "stdout", or undefined for off (ACCESS_LOG). */
  accessLog: string | undefined;
  /** Headers redacted in tap events, config dumps and access logs besides the defaults (REDACT_HEADERS). */
  redactHeaders: string[];
  /** Set by main.ts when `host` is beyond loopback: the admin APIs and the xDS server then require it. */
  accessToken?: string;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = {
  host: "127.0.0.1",
  ingressPort: 8080,
  adminPort: 15000,
  xdsPort: 15010,
  dataDir: ".data",
  registryFile: undefined,
  bootstrapFile: undefined,
  demoTrafficRps: 8,
  debounceAfterMs: 100,
  debounceMaxMs: 10_000,
  accessLog: undefined,
  redactHeaders: [],
};

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** "x-tenant-key, x-session" → ["x-tenant-key", "x-session"]; a name that is not a header name is an error. */
function headerList(env: Env, name: string): string[] {
  const names = (env[name] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !HEADER_NAME.test(n));
  if (bad !== undefined) throw new Error(`${name}: ${JSON.stringify(bad)} is not a header name`);
  return names;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${raw} is not a port number (0-65535)`);
  return n;
}

/** Milliseconds as "250", "250ms" or "10s". */
function millis(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(raw.trim());
  if (!m) throw new Error(`${name}=${raw} is not a duration (e.g. 100ms or 10s)`);
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

export function runtimeOptionsFromEnv(env: Env): RuntimeOptions {
  const rps = env.DEMO_TRAFFIC_RPS === undefined ? DEFAULT_RUNTIME_OPTIONS.demoTrafficRps : Number(env.DEMO_TRAFFIC_RPS);
  if (!Number.isFinite(rps) || rps < 0) throw new Error(`DEMO_TRAFFIC_RPS=${env.DEMO_TRAFFIC_RPS} is not a non-negative number`);
  return {
    host: env.PROXY_HOST || DEFAULT_RUNTIME_OPTIONS.host,
    ingressPort: port(env, "INGRESS_PORT", DEFAULT_RUNTIME_OPTIONS.ingressPort),
    adminPort: port(env, "ADMIN_PORT", DEFAULT_RUNTIME_OPTIONS.adminPort),
    xdsPort: port(env, "XDS_PORT", DEFAULT_RUNTIME_OPTIONS.xdsPort),
    dataDir: env.MESHDASH_DATA_DIR || DEFAULT_RUNTIME_OPTIONS.dataDir,
    registryFile: env.REGISTRY_FILE || undefined,
    bootstrapFile: env.BOOTSTRAP || undefined,
    demoTrafficRps: rps,
    debounceAfterMs: millis(env, "PILOT_DEBOUNCE_AFTER", DEFAULT_RUNTIME_OPTIONS.debounceAfterMs),
    debounceMaxMs: millis(env, "PILOT_DEBOUNCE_MAX", DEFAULT_RUNTIME_OPTIONS.debounceMaxMs),
    accessLog: env.ACCESS_LOG || undefined,
    redactHeaders: headerList(env, "REDACT_HEADERS"),
  };
}
