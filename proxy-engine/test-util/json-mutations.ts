// Structure-aware fuzzing for JSON configs (fast-check): a valid document is mutated at random paths
// (a value replaced, a key deleted, a known key added), so most cases get past the decoder and exercise the
// validator and compiler behind it, which random bytes would rarely reach. FUZZ_RUNS sets how many cases a
// property runs (`npm run fuzz` runs many more than `npm test`).

import fc from "fast-check";

/**
 * fast-check settings: in `npm test` a fixed seed (the same cases on every run, so CI is reproducible); with
 * FUZZ_RUNS (`npm run fuzz`) a fresh seed each run, printed by fast-check with any counterexample. FUZZ_SEED
 * replays one.
 */
export const fuzzRuns = (inTests: number) => {
  const seed = process.env.FUZZ_SEED ?? (process.env.FUZZ_RUNS ? undefined : "20261122");
  return { numRuns: Number(process.env.FUZZ_RUNS ?? inTests), ...(seed === undefined ? {} : { seed: Number(seed) }) };
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Mutation {
  op: "replace" | "delete" | "insert";
  /** Picks the path (modulo the number of paths in the document). */
  at: number;
  key: string;
  value: Json;
}

/** Values that break validators: wrong types, empty, huge, negative, hostile regexes, odd strings. */
export const HOSTILE_LEAVES: Json[] = [
  null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), "", " ", "*", "a", "0", "-1", "1s", "-1s", "1e400", "NaN",
  "(a+)+$", "(", "[", "\\", "^.*$", "%DOWNSTREAM_REMOTE_ADDRESS%", "%", "\u0000", "\r\n", "é", "x".repeat(5000), [], {}, [null], { "": null },
];

export function mutations(keys: readonly string[], leaves: readonly Json[] = HOSTILE_LEAVES): fc.Arbitrary<Mutation[]> {
  const mutation = fc.record({
    op: fc.constantFrom<Mutation["op"]>("replace", "delete", "insert"),
    at: fc.nat(),
    key: fc.constantFrom(...keys),
    value: fc.oneof(fc.constantFrom(...leaves), fc.integer(), fc.string({ maxLength: 20 })),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 4 });
}

/** Every container (object or array) in the document, with its path. */
function containers(doc: Json, out: (Json[] | { [key: string]: Json })[] = []): (Json[] | { [key: string]: Json })[] {
  if (doc !== null && typeof doc === "object") {
    out.push(doc);
    for (const v of Array.isArray(doc) ? doc : Object.values(doc)) containers(v, out);
  }
  return out;
}

/** A mutated deep copy of `doc`. */
export function applyMutations<T>(doc: T, ms: Mutation[]): T {
  const copy = structuredClone(doc) as Json;
  for (const m of ms) {
    const all = containers(copy);
    if (all.length === 0) break;
    const c = all[m.at % all.length]!;
    if (Array.isArray(c)) {
      const i = c.length ? m.at % c.length : 0;
      if (m.op === "delete") c.splice(i, 1);
      else if (m.op === "insert") c.splice(i, 0, m.value);
      else c[i] = m.value;
    } else {
      const names = Object.keys(c);
      const name = m.op === "insert" || names.length === 0 ? m.key : names[m.at % names.length]!;
      if (m.op === "delete") delete c[name];
      else c[name] = m.value;
    }
  }
  return copy as T;
}
