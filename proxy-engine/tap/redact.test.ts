// Redaction in captured bodies: JSON/form fields named like secrets, and credentials (secret headers: tap-wire.test.ts).
import { describe, expect, it } from "vitest";
import { redactBody, REDACTED } from "./redact";

const red = (s: string) => redactBody(Buffer.from(s, "latin1"));

describe("redaction", () => {
  it("redacts JSON fields named like secrets, at any depth, keeping everything else byte for byte", () => {
    const body = '{"user":"ann","password":"hunter2","nested":{"accessToken":"abc\\"def","api_key": "k1"},"tokens_left":3,"note":"ok"}';
    const r = red(body);
    expect(r.redacted).toBe(true);
    expect(r.data.toString()).toBe(`{"user":"ann","password":"${REDACTED}","nested":{"accessToken":"${REDACTED}","api_key": "${REDACTED}"},"tokens_left":3,"note":"ok"}`);
  });

  it("redacts a secret value cut off by truncation", () => {
    expect(red('{"client_secret":"s3cr').data.toString()).toBe(`{"client_secret":"${REDACTED}`);
  });

  it("redacts form fields and bearer or basic credentials", () => {
    expect(red("user=ann&password=hunter2&x=1").data.toString()).toBe(`user=ann&password=${REDACTED}&x=1`);
    expect(red("auth: Bearer eyJhbGciOi.J9.x-y_z= then").data.toString()).toBe(`auth: Bearer ${REDACTED} then`);
    expect(red("basic dXNlcjpwYXNz").data.toString()).toBe(`basic ${REDACTED}`);
  });

  it("leaves other bodies, binary included, untouched", () => {
    const bin = Buffer.from([0, 255, 128, 10, 0x7b, 0x22]);
    const r = redactBody(bin);
    expect(r.redacted).toBe(false);
    expect(r.data).toBe(bin);
    const utf8 = Buffer.from('{"name":"Zoë ✓","password":"p"}');
    expect(redactBody(utf8).data.toString("utf8")).toBe(`{"name":"Zoë ✓","password":"${REDACTED}"}`);
  });
});
