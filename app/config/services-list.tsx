// Registry services with their ports and source, and every endpoint: address and target port, labels,
// locality and health.
"use client";

import type { Service, WorkloadInstance } from "../../proto/gen/meshdash/registry/v1/registry_pb";

function locality(i: WorkloadInstance): string {
  const l = i.locality;
  return l ? [l.region, l.zone, l.subZone].filter(Boolean).join("/") || "—" : "—";
}

function endpoint(i: WorkloadInstance): string {
  const ports = Object.values(i.ports);
  return ports.length ? ports.map((p) => `${i.address}:${p}`).join(", ") : i.address;
}

export function ServicesList({ services }: { services: readonly Service[] }) {
  if (services.length === 0) {
    return (
      <div className="empty-state">
        <h3>No services registered</h3>
        <p className="muted">Services come from the demo mesh, a REGISTRY_FILE of ServiceEntry YAML, or RegistryService.RegisterServices.</p>
      </div>
    );
  }
  return (
    <div className="cards">
      {services.map((s) => {
        const healthy = s.instances.filter((i) => i.healthy).length;
        return (
          <section key={s.hostname} className="card" data-testid="service-card" data-host={s.hostname}>
            <header>
              <h3>{s.name}</h3>
              <span className="mono muted">{s.hostname}</span>
              <span className="badge">{s.source || "unknown source"}</span>
              <span className="muted">{s.ports.map((p) => `${p.port}/${p.protocol}`).join(", ")}</span>
              <span className={healthy === s.instances.length ? "cfg-ok" : "cfg-bad"}>
                {healthy}/{s.instances.length} healthy
              </span>
            </header>
            {s.instances.length === 0 ? (
              <p className="muted">No endpoints.</p>
            ) : (
              <table className="simple">
                <thead>
                  <tr>
                    <th>Endpoint</th>
                    <th>Address</th>
                    <th>Labels</th>
                    <th>Locality</th>
                    <th>Health</th>
                    <th className="num">Weight</th>
                  </tr>
                </thead>
                <tbody>
                  {s.instances.map((i) => (
                    <tr key={i.name || endpoint(i)}>
                      <td className="mono">{i.name || "—"}</td>
                      <td className="mono">{endpoint(i)}</td>
                      <td>
                        {Object.entries(i.labels).map(([k, v]) => (
                          <span key={k} className="cfg-label">
                            {k}={v}
                          </span>
                        ))}
                      </td>
                      <td className="mono">{locality(i)}</td>
                      <td className={i.healthy ? "cfg-ok" : "cfg-bad"}>{i.healthy ? "healthy" : "unhealthy"}</td>
                      <td className="num">{i.weight}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </div>
  );
}
