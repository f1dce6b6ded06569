// CEL expressions over the attribute bag (Mixer's expression language, in CEL): parsed and planned once at
// config compile time; evaluation never throws, a CEL error value or a wrong type counts as an error.

import { celEnv, parse, plan } from "@bufbuild/cel";
import { ConfigError } from "../config/config-error";
import { ERR, fastCompile, SLOW } from "./fast-cel";

/** Longer expressions are refused: the control plane should never push a program this size. */
export const MAX_EXPRESSION_BYTES = 4096;

export type ExpressionKind = "bool" | "string";

/** What an evaluation returns when it fails (missing attribute, wrong type, overflow...). */
export const EVAL_ERROR: unique symbol = Symbol("cel-eval-error");

export type Evaluator<T> = (bindings: object) => T | typeof EVAL_ERROR;

export type ExpressionCheck = { ok: true } | { ok: false; message: string; line: number; column: number };

const env = celEnv();

interface ParseFailure {
  message: string;
  line: number;
  column: number;
}

type Program = (bindings: object) => unknown;

/** The fast path where it applies, with the full CEL program behind it. */
function programOf(parsed: ReturnType<typeof parse>): Program {
  const planned = plan(env, parsed);
  const slow: Program = (b) => planned(b as never);
  const fast = fastCompile(parsed.expr);
  if (!fast) return slow;
  return (b) => {
    const v = fast(b);
    return v === SLOW ? slow(b) : v === ERR ? undefined : v;
  };
}

function tryCompile(src: string): { program: Program } | ParseFailure {
  if (Buffer.byteLength(src) > MAX_EXPRESSION_BYTES) return { message: `expression is longer than ${MAX_EXPRESSION_BYTES} bytes`, line: 1, column: 1 };
  try {
    return { program: programOf(parse(src)) };
  } catch (e) {
    const err = e as { rawMessage?: string; message?: string; location?: { start?: { line?: number; column?: number } } };
    const start = err.location?.start;
    return { message: err.rawMessage ?? String(err.message ?? e), line: start?.line ?? 1, column: start?.column ?? 1 };
  }
}

/** Validates an expression without building anything (for the control plane, at push time). */
export function checkExpression(src: string, _kind: ExpressionKind = "bool"): ExpressionCheck {
  const r = tryCompile(src);
  if ("program" in r) return { ok: true };
  return { ok: false, ...r };
}

/**
 * Compiles `src` into an evaluator. The result type is checked at evaluation (the attribute bag is untyped
 * JSON-like data): a bool expression yielding anything but a bool is an error, a string expression turns
 * numbers and booleans into their text. Throws ConfigError at `path` with the line:column of a parse error.
 */
export function compileExpression(src: string, kind: "bool", path: string): Evaluator<boolean>;
export function compileExpression(src: string, kind: "string", path: string): Evaluator<string>;
export function compileExpression(src: string, kind: ExpressionKind, path: string): Evaluator<boolean> | Evaluator<string> {
  const r = tryCompile(src);
  if (!("program" in r)) throw new ConfigError([{ path, message: `invalid CEL at ${r.line}:${r.column}: ${r.message}` }]);
  const program = r.program;
  if (kind === "bool") {
    return (b) => {
      try {
        const v = program(b);
        return typeof v === "boolean" ? v : EVAL_ERROR;
      } catch {
        return EVAL_ERROR;
      }
    };
  }
  return (b) => {
    try {
      const v = program(b);
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
      if (v === null) return "";
      return EVAL_ERROR;
    } catch {
      return EVAL_ERROR;
    }
  };
}
