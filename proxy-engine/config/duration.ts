// Parses Envoy/protobuf JSON duration strings ("1s", "0.25s") and Go-style "250ms" into milliseconds.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  return unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000;
}
