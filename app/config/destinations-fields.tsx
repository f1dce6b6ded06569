// A route's destinations: host (from the registry), subset (from the host's DestinationRule), port, and
// weight sliders with the live sum and helpers that make it 100 (even split, rebalance, all to one).
"use client";

import { Field, IconButton, ProblemList, removeAt, replaceAt } from "./form-controls";
import { hostChoices, portChoices, subsetChoices, type RuleOptions } from "./rule-options";
import { emptyDestination, vsPath, type DestinationForm } from "./virtual-service-form";
import { allTo, evenSplit, rebalance, weightSum, weightValue } from "./weights";

export interface DestinationsFieldsProps {
  route: number;
  namespace: string;
  destinations: DestinationForm[];
  options: RuleOptions;
  onChange(next: DestinationForm[]): void;
}

export function DestinationsFields({ route, namespace, destinations, options, onChange }: DestinationsFieldsProps) {
  const split = destinations.length > 1;
  const sum = weightSum(destinations.map((d) => d.weight));
  const setWeights = (weights: string[]) => onChange(destinations.map((d, i) => ({ ...d, weight: weights[i] ?? d.weight })));
  const set = (i: number, patch: Partial<DestinationForm>) => onChange(replaceAt(destinations, i, { ...destinations[i]!, ...patch }));
  const add = () => {
    const host = destinations[destinations.length - 1]?.host ?? "";
    const list = destinations.length === 1 && destinations[0]!.weight.trim() === "" ? [{ ...destinations[0]!, weight: "100" }] : destinations;
    onChange([...list, emptyDestination(host, list.length ? "0" : "")]);
  };
  const remove = (i: number) => {
    const rest = removeAt(destinations, i);
    onChange(rest.length === 1 ? [{ ...rest[0]!, weight: "" }] : rest);
  };

  return (
    <div className="cfg-destinations" data-testid="destinations" data-route={route}>
      {destinations.map((d, i) => {
        const hosts = hostChoices(options.services, namespace, d.host);
        const subsets = subsetChoices(options.rules, d.host, namespace, d.subset);
        const ports = portChoices(options.services, d.host, namespace, d.port);
        const w = weightValue(d.weight);
        return (
          <div key={i} className="cfg-destination" data-testid="destination-row" data-index={i}>
            <Field label="Host" path={vsPath.destination(route, i, "destination", "host")} className="grow">
              <select data-testid="destination-host" value={d.host} onChange={(e) => set(i, { host: e.target.value, subset: "", port: "" })}>
                <option value="">— choose a service —</option>
                {hosts.map((h) => (
                  <option key={h.value} value={h.value}>
                    {h.value === h.label ? h.value : `${h.value}  (${h.label})`}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Subset" path={vsPath.destination(route, i, "destination", "subset")}>
              <select data-testid="destination-subset" value={d.subset} onChange={(e) => set(i, { subset: e.target.value })}>
                <option value="">whole service</option>
                {subsets.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Port" path={vsPath.destination(route, i, "destination", "port")} className="narrow">
              <select data-testid="destination-port" value={d.port} onChange={(e) => set(i, { port: e.target.value })}>
                <option value="">default</option>
                {ports.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            </Field>
            {split ? (
              <Field label="Weight %" path={vsPath.destination(route, i, "weight")} className="cfg-weight">
                <div className="cfg-weight-inputs">
                  <input
                    type="range"
                    min={0}
                    max={100}
                    step={1}
                    aria-label={`weight of destination ${i + 1}`}
                    data-testid="weight-slider"
                    value={Math.max(0, Math.min(100, w))}
                    onChange={(e) => set(i, { weight: e.target.value })}
                  />
                  <input type="number" min={0} max={100} step={1} className="cfg-weight-number" aria-label={`weight % of destination ${i + 1}`} data-testid="weight-input" value={d.weight} onChange={(e) => set(i, { weight: e.target.value })} />
                  <button type="button" className="btn ghost cfg-small" title="Send all traffic here" data-testid="weight-all" onClick={() => setWeights(allTo(destinations.length, i))}>
                    100%
                  </button>
                </div>
              </Field>
            ) : (
              <div className="field cfg-field cfg-weight">
                <span>Weight</span>
                <span className="muted cfg-weight-only">100% (only destination)</span>
              </div>
            )}
            <IconButton label={`remove destination ${i + 1}`} onClick={() => remove(i)} disabled={destinations.length === 1}>
              ✕
            </IconButton>
          </div>
        );
      })}
      <div className="cfg-weight-footer">
        {split && (
          <span className={`cfg-weight-sum ${sum === 100 ? "cfg-ok" : "cfg-bad"}`} data-testid="weight-sum" data-sum={sum} role="status">
            Sum {sum}%{sum === 100 ? " ✓" : ` — must be 100 (${sum > 100 ? `${sum - 100} over` : `${100 - sum} short`})`}
          </span>
        )}
        <ProblemList path={vsPath.destinations(route)} />
        <span className="cfg-spacer" />
        <button type="button" className="btn cfg-small" onClick={add} data-testid="add-destination">
          + Destination
        </button>
        {split && (
          <>
            <button type="button" className="btn cfg-small" onClick={() => setWeights(evenSplit(destinations.length))}>
              Even split
            </button>
            <button type="button" className="btn cfg-small" data-testid="weight-rebalance" onClick={() => setWeights(rebalance(destinations.map((d) => d.weight)))} disabled={sum === 100}>
              Rebalance to 100
            </button>
          </>
        )}
      </div>
    </div>
  );
}
