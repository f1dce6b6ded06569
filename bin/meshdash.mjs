#!/usr/bin/env node
// The `meshdash` command: loads the TypeScript CLI (server/cli/main.ts) through tsx's loader, in this process.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../server/cli/main.ts");
// Exit now: an idle HTTP/2 session to the server would otherwise keep the process alive.
process.exit(await main(process.argv.slice(2)));
