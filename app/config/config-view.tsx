// The Config page's data: rule lists from ConfigService and services from RegistryService, each with its
// own loading, empty and error state.
"use client";

import { useRules, useServices } from "./config-queries";
import { RulesList } from "./rules-list";
import { ServicesList } from "./services-list";

function Failed({ what, error, retry }: { what: string; error: Error; retry(): void }) {
  return (
    <div className="empty-state">
      <h3>Could not load {what}</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={retry}>
        Retry
      </button>
    </div>
  );
}

export function ConfigView() {
  const rules = useRules();
  const services = useServices();
  return (
    <div className="cfg-view">
      <section className="cfg-section" aria-labelledby="cfg-rules-title">
        <h2 id="cfg-rules-title" className="cfg-section-title">
          Routing rules {rules.data && <span className="badge" data-testid="config-head">revision {rules.data.revision}</span>}
        </h2>
        {rules.isPending ? (
          <div className="loading">Loading rules…</div>
        ) : rules.error ? (
          <Failed what="rules" error={rules.error} retry={() => void rules.refetch()} />
        ) : (
          <RulesList rules={rules.data.rules} />
        )}
      </section>
      <section className="cfg-section" aria-labelledby="cfg-services-title">
        <h2 id="cfg-services-title" className="cfg-section-title">
          Services
        </h2>
        {services.isPending ? (
          <div className="loading">Loading services…</div>
        ) : services.error ? (
          <Failed what="services" error={services.error} retry={() => void services.refetch()} />
        ) : (
          <ServicesList services={services.data} />
        )}
      </section>
    </div>
  );
}
