// Opens COUNT idle TCP connections to TARGET (host:port) and holds them, in its own process so that its
// file descriptors do not count against the server's. Prints "open <opened> failed <failed> closed <n>"
// once every attempt settled; closes everything and exits when its stdin closes.

import net from "node:net";

const [host, port] = (process.env.TARGET ?? "").split(":") as [string, string];
const count = Number(process.env.COUNT ?? 10_000);
const sockets: net.Socket[] = [];
let failed = 0;
let closedByPeer = 0;

function open(): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    s.once("connect", () => {
      sockets.push(s);
      s.on("close", () => closedByPeer++);
      resolve();
    });
    s.once("error", () => {
      failed++;
      resolve();
    });
  });
}

for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, open));
console.log(`open ${sockets.length} failed ${failed} closed ${closedByPeer}`);
process.stdin.resume();
process.stdin.on("end", () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});
