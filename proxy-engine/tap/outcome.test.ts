// Outcome filters: status classes and codes widen each other, latency and errors-only narrow, bad fields named.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OutcomeSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { compileOutcome, type StreamOutcome } from "./outcome";

const ok: StreamOutcome = { status: 200, latencyMs: 5, responseFlags: "", grpcStatus: undefined, reset: false };
const outcome = (init: Parameters<typeof create<typeof OutcomeSchema>>[1]) => compileOutcome(create(OutcomeSchema, init))!;

describe("compileOutcome", () => {
  it("filters nothing when empty", () => {
    expect(compileOutcome(undefined)).toBeUndefined();
    expect(compileOutcome(create(OutcomeSchema))).toBeUndefined();
  });

  it("keeps status classes or exact codes", () => {
    const f = outcome({ statusClasses: [5], statusCodes: [404] });
    expect(f({ ...ok, status: 503 })).toBe(true);
    expect(f({ ...ok, status: 404 })).toBe(true);
    expect(f({ ...ok, status: 403 })).toBe(false);
    expect(f(ok)).toBe(false);
  });

  it("keeps only slow requests", () => {
    const f = outcome({ minLatency: { seconds: 0n, nanos: 100_000_000 } });
    expect(f({ ...ok, latencyMs: 99.9 })).toBe(false);
    expect(f({ ...ok, latencyMs: 100 })).toBe(true);
  });

  it("keeps only errors: 5xx, resets, gRPC failures and response flags", () => {
    const f = outcome({ errorsOnly: true });
    expect(f(ok)).toBe(false);
    expect(f({ ...ok, status: 404 })).toBe(false);
    expect(f({ ...ok, status: 404, responseFlags: "NR" })).toBe(true);
    expect(f({ ...ok, status: 502 })).toBe(true);
    expect(f({ ...ok, reset: true })).toBe(true);
    expect(f({ ...ok, grpcStatus: 14 })).toBe(true);
    expect(f({ ...ok, grpcStatus: 0 })).toBe(false);
  });

  it("names the invalid field", () => {
    expect(() => outcome({ statusClasses: [5, 6] })).toThrow("outcome.status_classes[1]: must be 1 to 5 (1xx to 5xx), got 6");
    expect(() => outcome({ statusCodes: [99] })).toThrow("outcome.status_codes[0]: must be an HTTP status 100 to 599, got 99");
    expect(() => outcome({ minLatency: { seconds: -1n, nanos: 0 } })).toThrow("outcome.min_latency: must not be negative");
  });
});
