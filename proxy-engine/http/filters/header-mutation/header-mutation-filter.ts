// envoy.filters.http.header_mutation: request mutations before routing, response mutations on the way back.

import type { HeaderMutation as MutationRule } from "../../../../proto/gen/envoy/config/common/mutation_rules/v3/mutation_rules_pb";
import { HeaderMutationSchema, type HeaderMutation } from "../../../../proto/gen/envoy/extensions/filters/http/header_mutation/v3/header_mutation_pb";
import { ConfigError } from "../../../config/config-error";
import { formatContext } from "../../../router/router";
import { applyHeaderMutation, compileHeaderMutation, type HeaderMutation as Compiled } from "../../header-mutation";
import type { StreamFilter } from "../stream-filter";

export const HEADER_MUTATION_FILTER = "envoy.filters.http.header_mutation";
export const HEADER_MUTATION_TYPE = HeaderMutationSchema.typeName;

function compileRules(rules: MutationRule[], path: string): Compiled[] {
  return rules.map((r, i) => {
    const a = r.action;
    const p = `${path}[${i}]`;
    if (a.case === "remove") return compileHeaderMutation([], [a.value], p, "append", "remove")!;
    if (a.case === "append") return compileHeaderMutation([a.value], [], p, "append", "remove")!;
    throw new ConfigError([{ path: p, message: "one of remove or append is required" }]);
  });
}

export function createHeaderMutationFilter(cfg: HeaderMutation, path: string): StreamFilter {
  const req = compileRules(cfg.mutations?.requestMutations ?? [], `${path}.mutations.request_mutations`);
  const resp = compileRules(cfg.mutations?.responseMutations ?? [], `${path}.mutations.response_mutations`);
  return {
    name: HEADER_MUTATION_FILTER,
    beforeRoute(ctx) {
      if (req.length === 0) return "continue";
      const fc = formatContext(ctx.s);
      // Request headers are mutated in place, so routing and the upstream both see the result.
      for (const m of req) applyHeaderMutation(ctx.s.req.headers as never, m, fc);
      return "continue";
    },
    onResponseHeaders(s, _status, headers) {
      if (resp.length === 0) return;
      const fc = formatContext(s);
      for (const m of resp) applyHeaderMutation(headers, m, fc);
    },
  };
}
