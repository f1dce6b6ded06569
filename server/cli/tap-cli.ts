// `meshdash tap`: opens TapService.Observe over gRPC (h2c, the dashboard's own port) and prints each event
// until the limit, Ctrl-C, or an error. Exit codes: 0 at the limit or on Ctrl-C, 1 when the server cannot
// be reached or refuses the tap, 2 for bad flags.

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { TapService } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { ArgError, parseTapArgs, TAP_USAGE } from "./tap-args";
import { formatTapJson, formatTapText } from "./tap-format";

export interface CliIo {
  out(line: string): Promise<void>;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  interrupt: AbortSignal;
}

export async function runTap(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseTapArgs(argv, io.env);
  } catch (e) {
    if (!(e instanceof ArgError)) throw e;
    io.err(`meshdash tap: ${e.message}\nRun "meshdash tap --help" for the flags.`);
    return 2;
  }
  if (args.help) {
    await io.out(TAP_USAGE.trimEnd());
    return 0;
  }
  // A dashboard bound beyond loopback wants its access token (MESHDASH_TOKEN), as linkerd's CLI sends its credentials.
  const token = io.env.MESHDASH_TOKEN;
  const client = createClient(TapService, createGrpcTransport({ baseUrl: args.baseUrl, interceptors: token ? [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] : [] }));
  const format = args.output === "json" ? formatTapJson : formatTapText;
  try {
    for await (const { events } of client.observe(args.request, { signal: io.interrupt })) for (const event of events) await io.out(format(event));
    return 0;
  } catch (e) {
    const err = ConnectError.from(e);
    if (err.code === Code.Canceled && io.interrupt.aborted) return 0;
    const where = args.baseUrl.replace(/^http:\/\//, "");
    if (err.code === Code.Unavailable || (err.code === Code.Unknown && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(err.message))) {
      io.err(`meshdash tap: cannot reach the dashboard at ${where} (${err.rawMessage}); is it running? (--server HOST:PORT)`);
    } else {
      io.err(`meshdash tap: ${Code[err.code]}: ${err.rawMessage}`);
    }
    return 1;
  }
}
