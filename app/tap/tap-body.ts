// Captured bodies for display and export: is it text, its UTF-8 text, a hex dump, and base64.

import { base64Encode } from "@bufbuild/protobuf/wire";

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|x-www-form-urlencoded|graphql|yaml|x-yaml|x-ndjson))/i;

/** Text when the content type says so, or when the bytes decode as UTF-8 without control characters. */
export function isText(data: Uint8Array, contentType: string): boolean {
  if (TEXT_TYPES.test(contentType.trim())) return true;
  if (/^(image|audio|video|font)\/|application\/(octet-stream|grpc|protobuf|x-protobuf|zip|gzip|pdf)/i.test(contentType)) return false;
  try {
    const s = new TextDecoder("utf-8", { fatal: true }).decode(data);
    // A truncated capture may cut a multi-byte character; fatal decoding of the whole is then too strict,
    // but control characters other than whitespace mean binary either way.
    return !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(s);
  } catch {
    try {
      const s = new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(0, Math.max(0, data.length - 3)));
      return !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(s);
    } catch {
      return false;
    }
  }
}

export function bodyText(data: Uint8Array): string {
  return new TextDecoder("utf-8").decode(data);
}

/** `hexdump -C` style: offset, 16 bytes in hex, then the printable ASCII. */
export function hexDump(data: Uint8Array, maxBytes = 65_536): string {
  const lines: string[] = [];
  const n = Math.min(data.length, maxBytes);
  for (let off = 0; off < n; off += 16) {
    const chunk = data.subarray(off, Math.min(off + 16, n));
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, "0"));
    const left = hex.slice(0, 8).join(" ");
    const right = hex.slice(8).join(" ");
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${off.toString(16).padStart(8, "0")}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines.join("\n");
}

export function bodyBase64(data: Uint8Array): string {
  return base64Encode(data);
}
