// CEL compile and evaluation: results, errors that never throw, parse error positions, the size guard.

import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/config-error";
import { checkExpression, compileExpression, EVAL_ERROR, MAX_EXPRESSION_BYTES } from "./cel-expression";

const bag = { request: { path: "/admin/x", method: "GET", headers: { "x-user": "alice" }, size: 12 }, response: { code: 503 } };

describe("CEL expressions", () => {
  it("evaluates bools and strings over nested attributes", () => {
    expect(compileExpression('request.path.startsWith("/admin")', "bool", "p")(bag)).toBe(true);
    expect(compileExpression('request.method == "POST"', "bool", "p")(bag)).toBe(false);
    expect(compileExpression("response.code >= 500 && request.size > 10", "bool", "p")(bag)).toBe(true);
    expect(compileExpression('request.headers["x-user"]', "string", "p")(bag)).toBe("alice");
    expect(compileExpression("response.code", "string", "p")(bag)).toBe("503");
    expect(compileExpression('"x-user" in request.headers', "bool", "p")(bag)).toBe(true);
  });

  it("turns evaluation failures and wrong result types into EVAL_ERROR, never a throw", () => {
    expect(compileExpression('request.headers["x-missing"] == "a"', "bool", "p")(bag)).toBe(EVAL_ERROR);
    expect(compileExpression("source.workload.name == 'x'", "bool", "p")(bag)).toBe(EVAL_ERROR);
    expect(compileExpression("request.path", "bool", "p")(bag)).toBe(EVAL_ERROR);
    expect(compileExpression("1 / 0 == 1", "bool", "p")(bag)).toBe(EVAL_ERROR);
    expect(compileExpression("request.headers", "string", "p")(bag)).toBe(EVAL_ERROR);
    expect(compileExpression("request.path == 'x'", "bool", "p")({})).toBe(EVAL_ERROR);
  });

  it("reports the line and column of a parse error, at the field path", () => {
    expect(checkExpression("a.b.")).toEqual({ ok: false, message: "found . but expecting end of input", line: 1, column: 4 });
    const multi = checkExpression('request.path == "/x" &&\n  request.method foo');
    expect(multi).toMatchObject({ ok: false, line: 2, column: 18 });
    expect(checkExpression('request.path.startsWith("/a")')).toEqual({ ok: true });
    try {
      compileExpression("request.path ==\n  ) ", "bool", "quotas[0].match");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues).toEqual([{ path: "quotas[0].match", message: expect.stringMatching(/^invalid CEL at \d+:\d+: /) }]);
    }
  });

  it("refuses expressions over 4 KiB", () => {
    const long = `request.path == "${"a".repeat(MAX_EXPRESSION_BYTES)}"`;
    expect(checkExpression(long)).toMatchObject({ ok: false, message: expect.stringContaining("longer than 4096") });
    expect(() => compileExpression(long, "bool", "m")).toThrow(ConfigError);
    expect(checkExpression(`request.path == "${"a".repeat(MAX_EXPRESSION_BYTES - 40)}"`)).toEqual({ ok: true });
  });
});
