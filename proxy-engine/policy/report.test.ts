// The report buffer: batches reach every adapter off the request path; a throwing adapter is counted and
// the others still get the batch.

import { describe, expect, it } from "vitest";
import { createReportBuffer, type ReportAdapter, type ReportRecord } from "./report";

const rec = (i: number) => ({ proxy: `p${i}` }) as unknown as ReportRecord;

describe("report buffer", () => {
  it("delivers in one batch on the next turn of the loop, not during push", async () => {
    const got: number[] = [];
    const buf = createReportBuffer([{ name: "a", report: (b) => void got.push(b.length) }]);
    buf.push(rec(1));
    buf.push(rec(2));
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([2]);
  });

  it("flushes at once when the batch is full", () => {
    const got: number[] = [];
    const buf = createReportBuffer([{ name: "a", report: (b) => void got.push(b.length) }], undefined, 4);
    for (let i = 0; i < 9; i++) buf.push(rec(i));
    expect(got).toEqual([4, 4]);
    buf.flush();
    expect(got).toEqual([4, 4, 1]);
  });

  it("counts an adapter that throws and keeps delivering to the others", () => {
    const seen: string[] = [];
    const errors: string[] = [];
    const bad: ReportAdapter = {
      name: "bad",
      report() {
        throw new Error("boom");
      },
    };
    const buf = createReportBuffer([bad, { name: "good", report: (b) => void seen.push(...b.map((r) => r.proxy)) }], (a, e) => errors.push(`${a}: ${(e as Error).message}`), 1);
    expect(() => buf.push(rec(1))).not.toThrow();
    buf.push(rec(2));
    expect(seen).toEqual(["p1", "p2"]);
    expect(buf.errors()).toBe(2);
    expect(errors).toEqual(["bad: boom", "bad: boom"]);
  });
});
