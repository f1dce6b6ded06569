// Compiles Envoy's StringMatcher (exact, prefix, suffix, contains, safe_regex; ignore_case) into a predicate.

import type { StringMatcher } from "../../proto/gen/envoy/type/matcher/v3/string_pb";
import { ConfigError } from "../config/config-error";
import { compileSafeRegex, RegexError, type SafeRegex } from "./safe-regex";

export type StringPredicate = (value: string) => boolean;

export function compileStringMatcher(m: StringMatcher, path: string): StringPredicate {
  const ic = m.ignoreCase;
  const norm = (s: string) => (ic ? s.toLowerCase() : s);
  const p = m.matchPattern;
  switch (p.case) {
    case "exact": {
      const want = norm(p.value);
      return (v) => norm(v) === want;
    }
    case "prefix": {
      const want = norm(p.value);
      return (v) => norm(v).startsWith(want);
    }
    case "suffix": {
      const want = norm(p.value);
      return (v) => norm(v).endsWith(want);
    }
    case "contains": {
      const want = norm(p.value);
      return (v) => norm(v).includes(want);
    }
    case "safeRegex": {
      const re = regexOrError(p.value.regex, `${path}.safe_regex.regex`, ic);
      return (v) => re.test(v);
    }
    default:
      throw new ConfigError([{ path, message: "one of exact, prefix, suffix, contains or safe_regex is required" }]);
  }
}

export function regexOrError(pattern: string, path: string, ignoreCase = false): SafeRegex {
  try {
    return compileSafeRegex(pattern, { fullMatch: true, ignoreCase });
  } catch (e) {
    if (e instanceof RegexError) throw new ConfigError([{ path, message: `invalid regex "${pattern}": ${e.message}` }]);
    throw e;
  }
}
