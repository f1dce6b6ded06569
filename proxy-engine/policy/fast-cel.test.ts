// The CEL fast path must agree with @bufbuild/cel's own program on every expression and bag tried here,
// including errors (missing attributes, wrong types) and the error absorption of && and ||.

import { celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import { describe, expect, it } from "vitest";
import { ERR, fastCompile, SLOW } from "./fast-cel";

const EXPRS = [
  'request.path.startsWith("/admin")',
  'request.path.endsWith(".json") || request.path.contains("v2")',
  'request.method == "GET" || request.method == "HEAD"',
  'request.method != "GET" && request.size > 10',
  "response.code >= 500",
  "response.code < 500 && response.code >= 400",
  '"x-user" in request.headers ? request.headers["x-user"] : "anonymous"',
  'request.headers["x-user"] == "alice"',
  'request.headers["x-missing"] == "a" || true',
  'true && request.headers["x-missing"] == "a"',
  'false && request.headers["x-missing"] == "a"',
  '!(source.workload.name == "productpage-v1")',
  "source.workload.name",
  "request.size == 12",
  "request.size == 12.0",
  'request.size == "12"',
  "request.path > 3",
  "request.flag ? 1 : 2",
  "nosuch.attr == 1",
  "[1, 2].size() == 2",
];

const BAGS = [
  { request: { path: "/admin/v2/x.json", method: "GET", size: 12, headers: { "x-user": "alice" }, flag: true }, response: { code: 503 }, source: { workload: { name: "productpage-v1" } } },
  { request: { path: "/", method: "POST", size: 0, headers: {}, flag: "yes" }, response: { code: 404 }, source: { workload: { name: "" } } },
  { request: { path: "/x", method: "HEAD", size: 3, headers: { "x-user": "bob" } } },
];

const env = celEnv();
const norm = (v: unknown) => (isCelError(v) || v === ERR || v === undefined ? "error" : typeof v === "bigint" ? Number(v) : v);

describe("CEL fast path", () => {
  it("agrees with the full CEL program, falling back where it does not apply", () => {
    let fastUsed = 0;
    for (const src of EXPRS) {
      const parsed = parse(src);
      const slow = plan(env, parsed);
      const fast = fastCompile(parsed.expr);
      for (const b of BAGS) {
        const want = norm(slow(b as never));
        const got = fast ? fast(b) : SLOW;
        if (got === SLOW) continue;
        fastUsed++;
        expect({ src, bag: BAGS.indexOf(b), v: norm(got) }).toEqual({ src, bag: BAGS.indexOf(b), v: want });
      }
    }
    expect(fastUsed).toBeGreaterThan(40);
    expect(fastCompile(parse("[1, 2].size() == 2").expr)).toBeUndefined();
  });
});
