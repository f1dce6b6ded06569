// Envoy's safe_regex (RE2 syntax) on JavaScript's RegExp, kept to the subset where both mean the same and
// run in linear-ish time:
// - RE2 has no backreferences or lookaround; JS does. Patterns using them are rejected, as Envoy would.
// - RE2 never backtracks; JS does. Quantified groups that themselves contain a quantifier ((a+)+, (a|b*)*)
//   can backtrack exponentially in JS, so they are rejected; so are patterns over MAX_PATTERN_LENGTH.
// - RE2's \C, \pN (one-letter Unicode classes without braces) and (?P<name>) have no JS meaning here and are
//   rejected. Flags are not accepted inline ((?i)); case-insensitive matching uses Envoy's ignore_case.
// - Envoy's route matchers need the whole input to match; `fullMatch` anchors the pattern.

export const MAX_PATTERN_LENGTH = 1024;

export class RegexError extends Error {}

export function compileSafeRegex(pattern: string, opts: { fullMatch: boolean; ignoreCase?: boolean }): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RegexError(`regex longer than ${MAX_PATTERN_LENGTH} characters`);
  if (/\\[1-9]|\\k</.test(pattern)) throw new RegexError("backreferences are not RE2 syntax");
  if (/\(\?<?[=!]/.test(pattern)) throw new RegexError("lookaround is not RE2 syntax");
  if (/\(\?P</.test(pattern)) throw new RegexError("(?P<name>) groups are not supported; use (?:...)");
  if (/\(\?[a-zA-Z]+\)/.test(pattern)) throw new RegexError("inline flags such as (?i) are not supported; use ignore_case");
  if (/\\C|\\p[A-Za-z]/.test(pattern)) throw new RegexError("\\C and one-letter \\p classes are not supported");
  if (hasNestedQuantifier(pattern)) throw new RegexError("nested quantifiers (e.g. (a+)+) can backtrack catastrophically");
  try {
    return new RegExp(opts.fullMatch ? `^(?:${pattern})$` : pattern, opts.ignoreCase ? "iu" : "u");
  } catch (e) {
    throw new RegexError((e as Error).message.replace(/^Invalid regular expression: /, ""));
  }
}

/** True when a parenthesised group that contains a quantifier is itself quantified. */
export function hasNestedQuantifier(p: string): boolean {
  const stack: boolean[] = []; // per open group: does it contain a quantifier?
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") stack.push(false);
    else if (c === ")") {
      const inner = stack.pop() ?? false;
      const next = p[i + 1];
      const quantified = next === "*" || next === "+" || next === "{" || (next === "?" && inner);
      if (inner && (next === "*" || next === "+" || next === "{")) return true;
      if (quantified && stack.length) stack[stack.length - 1] = true;
      if (inner && stack.length) stack[stack.length - 1] = true;
    } else if ((c === "*" || c === "+" || c === "{") && stack.length) stack[stack.length - 1] = true;
  }
  return false;
}
