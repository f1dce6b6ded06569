// A tiny inline SVG trend line for table cells (many per page, so no chart library, no observers).

export interface SparklineProps {
  values: readonly number[];
  width?: number;
  height?: number;
  /** Optional second series drawn in red on the same scale (e.g. failed requests per second). */
  errors?: readonly number[];
  label: string;
}

function path(values: readonly number[], max: number, w: number, h: number): string {
  if (values.length === 0) return "";
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  return values.map((v, i) => `${i === 0 ? "M" : "L"}${(i * step).toFixed(1)},${(h - 1 - (max > 0 ? (v / max) * (h - 2) : 0)).toFixed(1)}`).join("");
}

export function Sparkline({ values, errors, width = 120, height = 26, label }: SparklineProps) {
  const max = Math.max(0, ...values, ...(errors ?? []));
  return (
    <svg className="cl-spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <path d={path(values, max, width, height)} fill="none" stroke="var(--accent)" strokeWidth={1.5} />
      {errors && errors.some((e) => e > 0) && <path d={path(errors, max, width, height)} fill="none" stroke="var(--err)" strokeWidth={1.2} />}
    </svg>
  );
}
