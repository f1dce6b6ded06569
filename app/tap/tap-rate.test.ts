import { describe, expect, it } from "vitest";
import { bucketRates } from "./tap-rate";
import type { TapRow } from "./tap-rows";

const row = (seenAt: number, status: number | undefined, state: TapRow["state"] = "done") => ({ seenAt, status, state }) as TapRow;

describe("bucketRates", () => {
  it("counts streams per second by outcome, newest bucket last, ignoring older ones", () => {
    const now = 10_000;
    const rows = [row(9_900, 200), row(9_800, 503), row(8_900, 404), row(7_500, 200, "reset"), row(7_400, undefined, "open"), row(1_000, 200)];
    const b = bucketRates(rows, now, 3);
    expect(b.map((x) => x.ago)).toEqual([2, 1, 0]);
    expect(b[2]).toMatchObject({ ok: 1, serverError: 1, clientError: 0 });
    expect(b[1]).toMatchObject({ ok: 0, serverError: 0, clientError: 1 });
    expect(b[0]).toMatchObject({ ok: 0, serverError: 1, clientError: 0 });
  });
});
