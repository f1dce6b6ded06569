import { describe, expect, it } from "vitest";
import { EMPTY_FORM, parseHeaders, toExplainRequest, validateExplain } from "./explain-query";

describe("explain form", () => {
  it("parses one header a line, lower-cases names and joins repeats", () => {
    expect(parseHeaders("End-User: jason\n\n x-b : 1 \nx-b: 2")).toEqual({ headers: { "end-user": "jason", "x-b": "1,2" } });
    expect(parseHeaders("no colon")).toEqual({ error: 'line 1: write "name: value"' });
    expect(parseHeaders("ok: 1\n:path: /x")).toEqual({ error: "line 2: set :path with the method, authority and path fields" });
    expect(parseHeaders("bad name: 1")).toEqual({ error: 'line 1: "bad name" is not a header name' });
  });

  it("validates every field and builds the request", () => {
    expect(validateExplain(EMPTY_FORM)).toEqual({});
    expect(validateExplain({ method: "GET", authority: "a b", path: "ratings", headers: "x" })).toEqual({ authority: "no spaces", path: 'must start with "/"', headers: 'line 1: write "name: value"' });
    expect(toExplainRequest("gw", { method: "POST", authority: " reviews:9080 ", path: "/r?x=1", headers: "end-user: jason" })).toEqual({
      proxy: "gw",
      method: "POST",
      authority: "reviews:9080",
      path: "/r?x=1",
      headers: { "end-user": "jason" },
    });
  });
});
