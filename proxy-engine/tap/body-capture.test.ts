// Body capture: a bounded copy of the first bytes, total counted, truncation and redaction reported.
import { describe, expect, it } from "vitest";
import { createBodyCapture } from "./body-capture";

describe("body capture", () => {
  it("keeps a copy of at most `limit` bytes and counts the rest", () => {
    const c = createBodyCapture(8);
    const first = Buffer.from("hello ");
    c.add(first);
    first.fill(0); // the caller reusing its buffer must not change the capture
    c.add("world, again");
    const body = c.body("text/plain")!;
    expect(Buffer.from(body.data).toString()).toBe("hello wo");
    expect(body.truncated).toBe(true);
    expect(body.totalBytes).toBe(18);
    expect(body.contentType).toBe("text/plain");
    expect(body.redacted).toBe(false);
  });

  it("only counts at limit 0", () => {
    const c = createBodyCapture(0);
    c.add(Buffer.alloc(100));
    expect(c.total).toBe(100);
    expect(c.body("x")).toBeUndefined();
  });

  it("reports redaction", () => {
    const c = createBodyCapture(100);
    c.add('{"token":"t"}');
    const body = c.body("application/json")!;
    expect(body.redacted).toBe(true);
    expect(body.truncated).toBe(false);
    expect(Buffer.from(body.data).toString()).toBe('{"token":"[REDACTED]"}');
  });
});
