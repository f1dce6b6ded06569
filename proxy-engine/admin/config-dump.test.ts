// config_dump redaction: secret header values and the values of header matchers on secret headers.

import type { JsonValue } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { redact } from "./config-dump";

describe("config_dump redaction", () => {
  it("hides every value beside a secret header's name, in any matcher shape, and nothing else", () => {
    const route: JsonValue = {
      match: {
        headers: [
          { name: "Authorization", stringMatch: { exact: "Bearer t" }, invertMatch: false },
          { name: "cookie", safeRegexMatch: { regex: "sid=.*" } },
          { name: "x-user", stringMatch: { exact: "alice" } },
        ],
      },
    };
    expect(redact(route)).toEqual({
      match: {
        headers: [
          { name: "Authorization", stringMatch: { exact: "[REDACTED]" }, invertMatch: false },
          { name: "cookie", safeRegexMatch: { regex: "[REDACTED]" } },
          { name: "x-user", stringMatch: { exact: "alice" } },
        ],
      },
    });
  });
});
