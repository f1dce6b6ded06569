// Entry of the `meshdash` command (bin/meshdash.mjs): dispatches subcommands and wires them to the process
// (stdout with backpressure, Ctrl-C, a closed pipe), returning the exit code.

import { runTap, type CliIo } from "./tap-cli";

const USAGE = `Usage: meshdash <command> [flags]

Commands:
  tap     stream live requests from the mesh's proxies (meshdash tap --help)
`;

export async function main(argv: string[]): Promise<number> {
  const interrupt = new AbortController();
  process.once("SIGINT", () => interrupt.abort());
  let closed = false;
  // `meshdash tap | head` closes the pipe: stop quietly.
  process.stdout.on("error", () => {
    closed = true;
    interrupt.abort();
  });
  const io: CliIo = {
    env: process.env,
    interrupt: interrupt.signal,
    err: (line) => void process.stderr.write(`${line}\n`),
    out: (line) =>
      closed || process.stdout.write(`${line}\n`) ? Promise.resolve() : new Promise((resolve) => process.stdout.once("drain", resolve)),
  };
  const [command, ...rest] = argv;
  if (command === "tap") return runTap(rest, io);
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    await io.out(USAGE.trimEnd());
    return command === undefined ? 2 : 0;
  }
  io.err(`meshdash: unknown command "${command}"\n${USAGE.trimEnd()}`);
  return 2;
}
