// Per-proxy component loggers with Envoy's level names; levels change at runtime through the admin API's
// POST /logging. Disabled levels cost one comparison.

export const LEVELS = ["trace", "debug", "info", "warning", "error", "critical", "off"] as const;
export type Level = (typeof LEVELS)[number];

export const COMPONENTS = ["admin", "config", "connection", "http", "router", "upstream", "tap"] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Logger {
  level(c: Component): Level;
  setLevel(c: Component | "all", level: Level): void;
  enabled(c: Component, level: Level): boolean;
  log(c: Component, level: Level, message: string): void;
}

export function createLogger(proxyId: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const levels = new Map<Component, number>(COMPONENTS.map((c) => [c, LEVELS.indexOf("info")]));
  const logger: Logger = {
    level: (c) => LEVELS[levels.get(c)!]!,
    setLevel(c, level) {
      const n = LEVELS.indexOf(level);
      if (c === "all") for (const k of COMPONENTS) levels.set(k, n);
      else levels.set(c, n);
    },
    enabled: (c, level) => LEVELS.indexOf(level) >= levels.get(c)! && level !== "off",
    log(c, level, message) {
      if (!logger.enabled(c, level)) return;
      write(`[${new Date().toISOString()}][${proxyId}][${c}][${level}] ${message}\n`);
    },
  };
  return logger;
}
