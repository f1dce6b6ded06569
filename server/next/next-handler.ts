// Next.js App Router pages, served from the production build in `.next` by the custom server.
// Pages never import engine code; they reach the server only through Connect.

import next from "next";
import type http from "node:http";

export interface NextPages {
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  close(): Promise<void>;
}

export async function createNextPages(opts: { dir: string; hostname: string; port: number }): Promise<NextPages> {
  const app = next({ dev: false, dir: opts.dir, hostname: opts.hostname, port: opts.port, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  return {
    handle: (req, res) => handle(req, res),
    close: () => app.close(),
  };
}
