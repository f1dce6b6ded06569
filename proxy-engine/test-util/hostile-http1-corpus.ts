// Malformed and hostile HTTP/1.1 requests, replayed raw against a listener by the hostile-input tests.
// Each must get a 4xx (505 for an HTTP version we do not speak; a closed connection where the framing is lost), and nothing may reach an
// upstream. `slow` inputs are sent in pieces to exercise timeouts.

export interface HostileInput {
  name: string;
  /** Raw bytes to send; a function builds large ones. */
  raw: string | (() => string);
  /** Acceptable status codes. */
  expect: number[];
  /** Sent a few bytes at a time, then left hanging (slowloris). */
  slow?: boolean;
}

const H = "Host: x\r\n";
const BAD = [400];

export const HOSTILE_HTTP1: HostileInput[] = [
  // Request lines
  { name: "empty request line", raw: "\r\n\r\n\r\nGET\r\n\r\n", expect: BAD },
  { name: "missing target", raw: "GET HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "extra token", raw: "GET / HTTP/1.1 extra\r\n" + H + "\r\n", expect: BAD },
  { name: "request line of spaces", raw: "   \r\n" + H + "\r\n", expect: BAD },
  { name: "invalid method character", raw: "G@T / HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "lowercase method", raw: "get / HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "unknown version", raw: "GET / HTTP/1.2\r\n" + H + "\r\n", expect: [400, 505] },
  { name: "HTTP/9.9", raw: "GET / HTTP/9.9\r\n" + H + "\r\n", expect: [400, 505] },
  { name: "bogus protocol name", raw: "GET / FOO/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "NUL in target", raw: "GET /a\x00b HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "tab in target", raw: "GET /a\tb HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "space in target", raw: "GET /a b HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  { name: "bare LF request line", raw: "GET / HTTP/1.1\n" + "Host: x\n\n", expect: BAD },
  { name: "CR without LF", raw: "GET / HTTP/1.1\rHost: x\r\n\r\n", expect: BAD },
  { name: "binary garbage", raw: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", expect: BAD },
  { name: "HTTP/0.9 request", raw: "GET /\r\n\r\n", expect: BAD },
  // Looks like an unfinished HTTP/1.x request, so it is held until the header timeout.
  { name: "HTTP/0.9 request, no CRLF pair", raw: "GET /index.html\r\n", expect: [400, 408] },
  { name: "HTTP/2.0 in a text request line (llhttp parses it)", raw: "GET / HTTP/2.0\r\n" + H + "\r\n", expect: [505] },
  { name: "h2 preface after h1 bytes", raw: "G PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", expect: BAD },
  // Header names and values
  { name: "space in header name", raw: "GET / HTTP/1.1\r\n" + H + "Bad Header: x\r\n\r\n", expect: BAD },
  { name: "space before colon", raw: "GET / HTTP/1.1\r\nHost : x\r\n\r\n", expect: BAD },
  { name: "control char in name", raw: "GET / HTTP/1.1\r\n" + H + "X-\x01A: b\r\n\r\n", expect: BAD },
  { name: "NUL in header name", raw: "GET / HTTP/1.1\r\n" + H + "X-\x00A: b\r\n\r\n", expect: BAD },
  { name: "NUL in header value", raw: "GET / HTTP/1.1\r\n" + H + "X-A: a\x00b\r\n\r\n", expect: BAD },
  { name: "CR in header value", raw: "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n", expect: BAD },
  { name: "DEL in header name", raw: "GET / HTTP/1.1\r\n" + H + "X-\x7fA: b\r\n\r\n", expect: BAD },
  { name: "header line without colon", raw: "GET / HTTP/1.1\r\n" + H + "NoColonHere\r\n\r\n", expect: BAD },
  { name: "empty header name", raw: "GET / HTTP/1.1\r\n" + H + ": value\r\n\r\n", expect: BAD },
  { name: "parentheses in header name", raw: "GET / HTTP/1.1\r\n" + H + "X-(a): b\r\n\r\n", expect: BAD },
  { name: "obs-fold continuation line", raw: "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n  folded\r\n\r\n", expect: BAD },
  { name: "obs-fold on Transfer-Encoding", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", expect: BAD },
  { name: "header starts with whitespace", raw: "GET / HTTP/1.1\r\n" + " X-A: b\r\n" + H + "\r\n", expect: BAD },
  { name: "bare LF in headers", raw: "GET / HTTP/1.1\r\n" + H + "X-A: b\nX-B: c\r\n\r\n", expect: BAD },
  // Content-Length and Transfer-Encoding
  { name: "Content-Length and Transfer-Encoding", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", expect: BAD },
  { name: "Transfer-Encoding then Content-Length", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", expect: BAD },
  { name: "conflicting Content-Length", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", expect: BAD },
  { name: "duplicate Content-Length", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", expect: BAD },
  { name: "Content-Length list", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\nhello", expect: BAD },
  { name: "negative Content-Length", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: -5\r\n\r\n", expect: BAD },
  { name: "signed Content-Length", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello", expect: BAD },
  { name: "hex Content-Length", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nhello", expect: BAD },
  { name: "Content-Length with inner space", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 1 0\r\n\r\n0123456789", expect: BAD },
  { name: "Content-Length overflow", raw: "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999999\r\n\r\n", expect: BAD },
  { name: "Transfer-Encoding not ending in chunked", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", expect: [400, 501] },
  { name: "unknown Transfer-Encoding", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", expect: [400, 501] },
  { name: "two Transfer-Encoding headers", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n", expect: [400, 501] },
  { name: "Transfer-Encoding on HTTP/1.0", raw: "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", expect: [400, 501] },
  // Chunked bodies
  { name: "non-hex chunk size", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", expect: BAD },
  { name: "negative chunk size", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n", expect: BAD },
  { name: "0x-prefixed chunk size", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", expect: BAD },
  { name: "chunk size overflow", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nx\r\n0\r\n\r\n", expect: BAD },
  { name: "chunk data longer than size", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", expect: BAD },
  { name: "chunk size with space", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5 5\r\nhello\r\n0\r\n\r\n", expect: BAD },
  { name: "NUL in chunk extension", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;a=\x00\r\nhello\r\n0\r\n\r\n", expect: BAD },
  { name: "bare LF after chunk size", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", expect: BAD },
  { name: "smuggled request after bad chunk", raw: "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n1\r\nAB\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + H + "\r\n", expect: BAD },
  // Sizes
  { name: "headers over 60 KiB", raw: () => "GET / HTTP/1.1\r\n" + H + `X-Big: ${"a".repeat(62 * 1024)}\r\n\r\n`, expect: [431] },
  { name: "many headers over 60 KiB", raw: () => "GET / HTTP/1.1\r\n" + H + Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${"v".repeat(30)}\r\n`).join("") + "\r\n", expect: [431] },
  { name: "oversized URL", raw: () => `GET /${"u".repeat(70 * 1024)} HTTP/1.1\r\n` + H + "\r\n", expect: [414, 431] },
  { name: "oversized method", raw: () => `${"G".repeat(70 * 1024)} / HTTP/1.1\r\n` + H + "\r\n", expect: [400, 431] },
  // Slowloris
  { name: "slowloris headers", raw: "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a", expect: [408], slow: true },
  { name: "slowloris request line", raw: "GET /slo", expect: [408], slow: true },
];
