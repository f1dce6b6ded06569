import { describe, expect, it } from "vitest";
import { DEFAULT_LIMIT, queryFromParams, queryToParams, toObserveRequest, validateQuery } from "./tap-query";

describe("tap query", () => {
  it("round-trips through the URL", () => {
    const q = { method: "POST", pathPrefix: "/reviews", authorityPrefix: "bookinfo", limit: 50 };
    expect(queryFromParams(queryToParams(q))).toEqual(q);
    expect(queryToParams({ ...q, method: "", limit: DEFAULT_LIMIT }).toString()).toBe("path=%2Freviews&authority=bookinfo");
  });

  it("validates every field", () => {
    expect(validateQuery({ method: "get me", pathPrefix: "reviews", authorityPrefix: "a b", limit: 0 })).toEqual({
      method: "an HTTP method, e.g. GET",
      pathPrefix: 'must start with "/"',
      authorityPrefix: "no spaces",
      limit: "a whole number from 1 to 100000",
    });
    expect(validateQuery(queryFromParams(new URLSearchParams("limit=abc"))).limit).toBeDefined();
  });

  it("builds an all-of match from the filled fields only", () => {
    const req = toObserveRequest({ method: "GET", pathPrefix: "/x", authorityPrefix: "", limit: 5 });
    expect(req.limit).toBe(5);
    expect(req.match?.match.case).toBe("all");
    const all = req.match?.match.case === "all" ? req.match.match.value.matches : [];
    expect(all.map((m) => (m.match.case === "http" ? m.match.value.match.case : ""))).toEqual(["method", "path"]);
    expect(toObserveRequest({ method: "", pathPrefix: "", authorityPrefix: "", limit: 5 }).match).toBeUndefined();
  });
});
