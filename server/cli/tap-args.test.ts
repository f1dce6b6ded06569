// `meshdash tap` flag parsing: the ObserveRequest each flag builds, defaults, and errors naming the flag.
import { describe, expect, it } from "vitest";
import { ProxyDirection, Scheme } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { DEFAULT_LIMIT, parseDuration, parseTapArgs } from "./tap-args";

describe("parseTapArgs", () => {
  it("defaults to the local dashboard, the server's max_rps and a limit that streams until interrupted", () => {
    const a = parseTapArgs([]);
    expect(a.baseUrl).toBe("http://127.0.0.1:3000");
    expect(a.request.limit).toBe(DEFAULT_LIMIT);
    expect(a.request.maxRps).toBe(0);
    expect(a.request.match).toBeUndefined();
    expect(a.output).toBe("text");
    expect(parseTapArgs([], { MESHDASH_SERVER: "10.0.0.1:4000" }).baseUrl).toBe("http://10.0.0.1:4000");
  });

  it("builds one match from the request flags (all of them must hold)", () => {
    const a = parseTapArgs(["--path", "/reviews", "--method", "get", "--authority", "reviews:9080", "--scheme", "http", "--to-label", "subset=v2"]);
    const m = a.request.match?.match;
    if (m?.case !== "all") throw new Error(`expected all, got ${m?.case}`);
    expect(m.value.matches.map((x) => x.match.case === "http" ? x.match.value.match : x.match.value)).toEqual([
      { case: "path", value: expect.objectContaining({ match: { case: "prefix", value: "/reviews" } }) },
      { case: "method", value: "GET" },
      { case: "authority", value: expect.objectContaining({ match: { case: "exact", value: "reviews:9080" } }) },
      { case: "scheme", value: Scheme.HTTP },
      expect.objectContaining({ key: "subset", value: "v2" }),
    ]);
    expect(parseTapArgs(["--path", "/x"]).request.match?.match.case).toBe("http");
  });

  it("maps scope, outcome and extraction flags", () => {
    const a = parseTapArgs(["--server", "http://h:1/", "--service", "reviews", "--direction", "OUTBOUND", "--errors", "--status", "5xx,404", "--status", "4xx", "--min-latency", "1.5s", "--limit", "7", "--max-rps", "20", "--headers", "--body-bytes", "512", "-o", "json"]);
    expect(a.baseUrl).toBe("http://h:1");
    expect(a.request.scope).toMatchObject({ service: "reviews", workload: "", proxy: "", direction: ProxyDirection.OUTBOUND });
    expect(a.request.outcome).toMatchObject({ statusClasses: [5, 4], statusCodes: [404], errorsOnly: true, minLatency: { seconds: 1n, nanos: 500_000_000 } });
    expect(a.request).toMatchObject({ limit: 7, maxRps: 20, bodyBytes: 512 });
    expect(a.request.extract?.extract.case).toBe("http");
    expect(a.output).toBe("json");
  });

  it("parses durations", () => {
    expect(parseDuration("d", "100ms")).toBe(100);
    expect(parseDuration("d", "250us")).toBe(0.25);
    expect(parseDuration("d", "2m")).toBe(120_000);
  });

  it("names the flag in every error", () => {
    const err = (argv: string[]) => {
      try {
        parseTapArgs(argv);
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(err(["--limit", "0"])).toBe('--limit: "0" is not a whole number >= 1');
    expect(err(["--max-rps", "-3"])).toMatch(/max-rps/);
    expect(err(["--direction", "sideways"])).toBe('--direction: "sideways" is not inbound or outbound');
    expect(err(["--status", "6xx"])).toBe('--status: "6xx" is neither a status class (5xx) nor a code (503)');
    expect(err(["--min-latency", "soon"])).toBe('--min-latency: "soon" is not a duration (e.g. 100ms, 1.5s)');
    expect(err(["--to-label", "novalue"])).toBe('--to-label: "novalue" is not KEY=VALUE');
    expect(err(["-o", "yaml"])).toBe('--output: "yaml" is not text or json');
    expect(err(["--nope"])).toMatch(/nope/);
    expect(err(["stray"])).toMatch(/stray/);
  });
});
