// Runtime options, read from the environment once by main.ts (and set directly by tests).

export interface RuntimeOptions {
  /** Interface the ingress listener and admin API bind to. */
  host: string;
  ingressPort: number;
  adminPort: number;
  /** A bootstrap file (Envoy static_resources, JSON or YAML) for the ingress proxy, instead of the demo mesh. */
  bootstrapFile: string | undefined;
  /** Demo traffic rate in requests per second; 0 turns the generator off. */
  demoTrafficRps: number;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = {
  host: "127.0.0.1",
  ingressPort: 8080,
  adminPort: 15000,
  bootstrapFile: undefined,
  demoTrafficRps: 8,
};

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${raw} is not a port number (0-65535)`);
  return n;
}

export function runtimeOptionsFromEnv(env: Env): RuntimeOptions {
  const rps = env.DEMO_TRAFFIC_RPS === undefined ? DEFAULT_RUNTIME_OPTIONS.demoTrafficRps : Number(env.DEMO_TRAFFIC_RPS);
  if (!Number.isFinite(rps) || rps < 0) throw new Error(`DEMO_TRAFFIC_RPS=${env.DEMO_TRAFFIC_RPS} is not a non-negative number`);
  return {
    host: env.PROXY_HOST || DEFAULT_RUNTIME_OPTIONS.host,
    ingressPort: port(env, "INGRESS_PORT", DEFAULT_RUNTIME_OPTIONS.ingressPort),
    adminPort: port(env, "ADMIN_PORT", DEFAULT_RUNTIME_OPTIONS.adminPort),
    bootstrapFile: env.BOOTSTRAP || undefined,
    demoTrafficRps: rps,
  };
}
