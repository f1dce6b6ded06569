// Export of the tap table: JSON (the merged rows as shown) and HAR 1.2 (one entry per stream with headers,
// status, timings and the captured bodies), oldest first so HAR viewers show a timeline.

import { bodyBase64, bodyText, isText } from "./tap-body";
import { hostOf } from "./tap-names";
import type { CapturedBody, TapHeader, TapRow } from "./tap-rows";

export const HAR_CREATOR = { name: "meshdash", version: "0.1.0" };

export interface ExportedBody {
  contentType: string;
  /** utf8: `text` is the body; base64: `text` is the bytes in base64. */
  encoding: "utf8" | "base64";
  text: string;
  capturedBytes: number;
  totalBytes: number;
  truncated: boolean;
  redacted: boolean;
}

export function exportBody(b: CapturedBody | undefined): ExportedBody | undefined {
  if (!b) return undefined;
  const text = isText(b.data, b.contentType);
  return {
    contentType: b.contentType,
    encoding: text ? "utf8" : "base64",
    text: text ? bodyText(b.data) : bodyBase64(b.data),
    capturedBytes: b.data.length,
    totalBytes: b.totalBytes,
    truncated: b.truncated,
    redacted: b.redacted,
  };
}

/** The rows as JSON: every merged field, bodies decoded, times as ISO strings. */
export function toJsonExport(rows: readonly TapRow[]): string {
  const out = [...rows].reverse().map((r) => {
    const { key, seenAt, requestBody, responseBody, ...rest } = r;
    return {
      stream: key,
      seenAt: new Date(seenAt).toISOString(),
      ...rest,
      requestBody: exportBody(requestBody),
      responseBody: exportBody(responseBody),
    };
  });
  return JSON.stringify({ exportedAt: new Date().toISOString(), streams: out }, null, 2);
}

const STATUS_TEXT: Record<number, string> = {
  100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
  206: "Partial Content", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
  307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
  404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large",
  415: "Unsupported Media Type", 429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

const header = (hs: readonly TapHeader[], name: string) => hs.find((h) => h.name.toLowerCase() === name)?.value;

function queryString(path: string): { name: string; value: string }[] {
  const q = path.indexOf("?");
  if (q < 0) return [];
  return [...new URLSearchParams(path.slice(q + 1))].map(([name, value]) => ({ name, value }));
}

function harContent(b: ExportedBody | undefined, mimeType: string, size: number) {
  const content: { size: number; mimeType: string; text?: string; encoding?: string; comment?: string } = { size, mimeType };
  if (b) {
    content.text = b.text;
    if (b.encoding === "base64") content.encoding = "base64";
    const marks = [b.truncated && `truncated: ${b.capturedBytes} of ${b.totalBytes} bytes captured`, b.redacted && "secrets redacted"].filter(Boolean);
    if (marks.length) content.comment = marks.join("; ");
  }
  return content;
}

export function toHar(rows: readonly TapRow[]): string {
  const entries = [...rows].reverse().map((r) => {
    const reqBody = exportBody(r.requestBody);
    const resBody = exportBody(r.responseBody);
    const total = r.latencyMs ?? 0;
    const wait = Math.max(0, r.headersMs ?? total);
    const receive = Math.max(0, r.responseMs ?? total - wait);
    const reqType = header(r.requestHeaders, "content-type") ?? r.requestBody?.contentType ?? "";
    const resType = header(r.responseHeaders, "content-type") ?? r.responseBody?.contentType ?? "";
    const request: Record<string, unknown> = {
      method: r.method,
      url: `${r.scheme || "http"}://${r.authority}${r.path}`,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: r.requestHeaders,
      queryString: queryString(r.path),
      headersSize: -1,
      bodySize: r.requestBytes ?? r.requestBody?.totalBytes ?? -1,
    };
    if (reqBody) {
      request.postData = { mimeType: reqType, text: reqBody.text, ...(reqBody.encoding === "base64" ? { _encoding: "base64" } : {}) };
    }
    const entry: Record<string, unknown> = {
      startedDateTime: new Date(r.seenAt).toISOString(),
      time: wait + receive,
      request,
      response: {
        status: r.status ?? 0,
        statusText: r.status ? (STATUS_TEXT[r.status] ?? "") : "",
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: r.responseHeaders,
        content: harContent(resBody, resType, r.bytes ?? 0),
        redirectURL: header(r.responseHeaders, "location") ?? "",
        headersSize: -1,
        bodySize: r.bytes ?? -1,
        _trailers: r.trailers,
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive },
      connection: r.key,
      _meshdash: {
        proxy: r.proxy,
        direction: r.direction,
        source: r.source,
        destination: r.destination,
        listener: r.listener,
        virtualHost: r.virtualHost,
        route: r.route,
        cluster: r.cluster,
        endpoint: r.endpoint,
        configVersion: r.configVersion,
        responseFlags: r.flags,
        retryAttempts: r.retryAttempts,
        grpcStatus: r.grpcStatus,
        resetCode: r.resetCode,
        state: r.state,
      },
    };
    if (r.endpoint) entry.serverIPAddress = hostOf(r.endpoint);
    return entry;
  });
  return JSON.stringify({ log: { version: "1.2", creator: HAR_CREATOR, entries } }, null, 2);
}

/** Saves text as a file through a temporary object URL (the browser's download, no server round trip). */
export function downloadText(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportFilename(ext: "json" | "har", now = new Date()): string {
  return `meshdash-tap-${now.toISOString().replace(/[:.]/g, "-")}.${ext}`;
}
