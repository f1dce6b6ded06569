// A fast path for the CEL most policies are made of (attribute selects, string/number literals, ==, !=,
// comparisons, &&, ||, !, ?:, `in` and [] on maps, startsWith/endsWith/contains), compiled from the parsed
// AST into closures. Anything else (or a value of a type it does not handle) goes to @bufbuild/cel's own
// planned program, so results always follow the CEL spec; this only skips the interpreter's overhead.

import type { parse } from "@bufbuild/cel";

type Expr = NonNullable<ReturnType<typeof parse>["expr"]>;

/** An evaluation error (CEL error value). */
export const ERR: unique symbol = Symbol("cel-error");
/** This case is not handled here: ask the full CEL program. */
export const SLOW: unique symbol = Symbol("cel-slow");

type Value = string | number | boolean | object | typeof ERR | typeof SLOW;
export type FastProgram = (b: object) => Value;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function field(o: Value, name: string): Value {
  if (o === ERR || o === SLOW) return o;
  if (!isMap(o)) return SLOW;
  const v = Object.hasOwn(o, name) ? o[name] : undefined;
  if (v === undefined) return ERR;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" || isMap(v) ? v : SLOW;
}

const sameScalar = (a: Value, b: Value) => (typeof a === "string" && typeof b === "string") || (typeof a === "number" && typeof b === "number") || (typeof a === "boolean" && typeof b === "boolean");

function binary(args: FastProgram[], op: (a: Value, b: Value) => Value): FastProgram {
  const [l, r] = args as [FastProgram, FastProgram];
  return (b) => {
    const x = l(b);
    if (x === SLOW) return SLOW;
    const y = r(b);
    if (y === SLOW) return SLOW;
    if (x === ERR || y === ERR) return ERR;
    return op(x, y);
  };
}

const compare = (f: (a: number | string, b: number | string) => boolean) => (a: Value, b: Value) => (sameScalar(a, b) && typeof a !== "boolean" ? f(a as number | string, b as number | string) : SLOW);
const strings = (f: (a: string, b: string) => boolean) => (a: Value, b: Value) => (typeof a === "string" && typeof b === "string" ? f(a, b) : SLOW);

/** CEL's && and ||: a definite false (&&) or true (||) on either side wins over an error on the other. */
function logical(args: FastProgram[], and: boolean): FastProgram {
  const [l, r] = args as [FastProgram, FastProgram];
  return (b) => {
    const x = l(b);
    if (x === !and) return x;
    const y = r(b);
    if (y === !and) return y;
    if (x === SLOW || y === SLOW) return SLOW;
    if (x === ERR || y === ERR || typeof x !== "boolean" || typeof y !== "boolean") return ERR;
    return and;
  };
}

export function fastCompile(e: Expr | undefined): FastProgram | undefined {
  const k = e?.exprKind;
  switch (k?.case) {
    case "constExpr": {
      const c = k.value.constantKind;
      if (c.case === "stringValue" || c.case === "boolValue" || c.case === "doubleValue") {
        const v = c.value;
        return () => v;
      }
      if (c.case === "int64Value" && c.value >= BigInt(Number.MIN_SAFE_INTEGER) && c.value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        const v = Number(c.value);
        return () => v;
      }
      return undefined;
    }
    case "identExpr": {
      const name = k.value.name;
      return (b) => field(b, name);
    }
    case "selectExpr": {
      if (k.value.testOnly) return undefined;
      const operand = fastCompile(k.value.operand);
      const name = k.value.field;
      return operand && ((b) => field(operand(b), name));
    }
    case "callExpr": {
      const fn = k.value.function;
      const target = k.value.target ? fastCompile(k.value.target) : undefined;
      if (k.value.target && !target) return undefined;
      const args: FastProgram[] = [];
      for (const a of k.value.args) {
        const p = fastCompile(a);
        if (!p) return undefined;
        args.push(p);
      }
      if (target) {
        if (args.length !== 1) return undefined;
        const all = [target, args[0]!];
        if (fn === "startsWith") return binary(all, strings((a, b) => a.startsWith(b)));
        if (fn === "endsWith") return binary(all, strings((a, b) => a.endsWith(b)));
        if (fn === "contains") return binary(all, strings((a, b) => a.includes(b)));
        return undefined;
      }
      switch (fn) {
        case "_==_":
          return binary(args, (a, b) => (sameScalar(a, b) ? a === b : SLOW));
        case "_!=_":
          return binary(args, (a, b) => (sameScalar(a, b) ? a !== b : SLOW));
        case "_<_":
          return binary(args, compare((a, b) => a < b));
        case "_<=_":
          return binary(args, compare((a, b) => a <= b));
        case "_>_":
          return binary(args, compare((a, b) => a > b));
        case "_>=_":
          return binary(args, compare((a, b) => a >= b));
        case "_&&_":
          return logical(args, true);
        case "_||_":
          return logical(args, false);
        case "!_": {
          const [x] = args as [FastProgram];
          return (b) => {
            const v = x(b);
            return typeof v === "boolean" ? !v : v === SLOW ? SLOW : ERR;
          };
        }
        case "_?_:_": {
          const [c, t, f] = args as [FastProgram, FastProgram, FastProgram];
          return (b) => {
            const v = c(b);
            return v === true ? t(b) : v === false ? f(b) : v === SLOW ? SLOW : ERR;
          };
        }
        case "@in":
          return binary(args, (key, m) => (typeof key === "string" && isMap(m) ? Object.hasOwn(m, key) : SLOW));
        case "_[_]":
          return binary(args, (m, key) => (typeof key === "string" && isMap(m) ? field(m, key) : SLOW));
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}
