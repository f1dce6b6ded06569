// Regexes from users (Envoy's safe_regex, admin filters, config-dump searches) run on RE2, as Envoy's do:
// @bufbuild/re2 is a port of RE2/J, linear in the input for any pattern, so no pattern can stall the
// process, and the syntax is RE2's (no backreferences or lookaround; (?i), (?P<name>) and \pN work).
// Rewrites need capture groups and global replace, which that port does not offer: they run on V8's own
// linear-time engine (the `l` flag), which refuses any pattern it cannot run in linear time.

import { RE2JS } from "@bufbuild/re2";
import v8 from "node:v8";

export const MAX_PATTERN_LENGTH = 1024;

export class RegexError extends Error {}

export interface SafeRegex {
  /** The pattern as configured. */
  readonly pattern: string;
  test(input: string): boolean;
}

function re2(pattern: string, ignoreCase: boolean): RE2JS {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RegexError(`regex longer than ${MAX_PATTERN_LENGTH} characters`);
  try {
    return RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    throw new RegexError((e as Error).message);
  }
}

/** `fullMatch`: the whole input must match (Envoy's route matchers); otherwise a match anywhere counts. */
export function compileSafeRegex(pattern: string, opts: { fullMatch: boolean; ignoreCase?: boolean }): SafeRegex {
  const re = re2(pattern, opts.ignoreCase ?? false);
  return opts.fullMatch ? { pattern, test: (s) => re.matches(s) } : { pattern, test: (s) => re.test(s) };
}

let linearEngine = false;

/**
 * A global RegExp for regex_rewrite (String.replace with $1-style substitutions), on V8's linear-time
 * engine. The pattern must be valid RE2 and something V8's linear engine can run.
 */
export function compileRewriteRegex(pattern: string): RegExp {
  re2(pattern, false);
  if (!linearEngine) {
    // Only enables the `l` flag's parser; no other regex changes behaviour.
    v8.setFlagsFromString("--enable-experimental-regexp-engine");
    linearEngine = true;
  }
  try {
    return new RegExp(pattern, "gl");
  } catch (e) {
    throw new RegexError((e as Error).message.replace(/^Invalid regular expression: /, ""));
  }
}
