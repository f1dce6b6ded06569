// Envoy's health_flags ("healthy" or "/failed_outlier_check/…") as badges, each explained on hover.

const MEANING: Record<string, string> = {
  healthy: "Every check passes; the load balancer may pick it",
  failed_active_hc: "Failed active health checking",
  pending_active_hc: "Waiting for its first active health check",
  active_hc_timeout: "The last active health check timed out",
  failed_outlier_check: "Ejected by outlier detection (passive health checking)",
  failed_eds_health: "Marked unhealthy by the control plane (EDS health_status)",
};

export function splitHealthFlags(flags: string): string[] {
  return flags === "healthy" || flags === "" ? ["healthy"] : flags.split("/").filter(Boolean);
}

export function HealthFlags({ flags }: { flags: string }) {
  return (
    <span className="cl-flags" data-testid="health-flags" data-flags={flags}>
      {splitHealthFlags(flags).map((f) => (
        <span key={f} className={`cl-flag ${f === "healthy" ? "cl-flag-ok" : f === "pending_active_hc" ? "cl-flag-warn" : "cl-flag-bad"}`} title={MEANING[f] ?? f}>
          {f}
        </span>
      ))}
    </span>
  );
}
