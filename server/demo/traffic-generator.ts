// Steady demo traffic through the ingress: mostly 2xx, some 4xx (unknown product, no route), some 5xx
// (ratings failures) and some slow requests (reviews v3), so every page has something live to show.

import http from "node:http";

export interface TrafficGenerator {
  stop(): Promise<void>;
  readonly sent: number;
}

interface Shot {
  weight: number;
  method: string;
  path: () => string;
  headers?: Record<string, string>;
  body?: string;
}

const id = () => String(1 + Math.floor(Math.random() * 9));

const MIX: Shot[] = [
  { weight: 30, method: "GET", path: () => "/productpage", headers: { cookie: "session=demo-user-42", "user-agent": "bookinfo-browser/1.0" } },
  { weight: 5, method: "GET", path: () => "/static/bootstrap.min.css" },
  { weight: 18, method: "GET", path: () => `/details/${id()}` },
  { weight: 4, method: "GET", path: () => "/details/0" },
  { weight: 22, method: "GET", path: () => `/reviews/${id()}`, headers: { authorization: "Bearer demo-token" } },
  { weight: 14, method: "GET", path: () => `/ratings/${id()}` },
  { weight: 4, method: "POST", path: () => `/ratings/${id()}`, headers: { "content-type": "application/json" }, body: '{"stars":5}' },
  { weight: 3, method: "GET", path: () => "/admin/metrics" },
];
const TOTAL = MIX.reduce((n, s) => n + s.weight, 0);

function pick(): Shot {
  let r = Math.random() * TOTAL;
  for (const s of MIX) if ((r -= s.weight) < 0) return s;
  return MIX[0]!;
}

export function startTrafficGenerator(target: { host: string; port: number }, ratePerSecond = 8): TrafficGenerator {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let stopped = false;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<http.ClientRequest>();
  const fire = () => {
    const shot = pick();
    const req = http.request({ agent, host: target.host, port: target.port, method: shot.method, path: shot.path(), headers: { host: "bookinfo.example.com", ...shot.headers } });
    inFlight.add(req);
    req.on("response", (res) => res.resume());
    req.on("close", () => inFlight.delete(req));
    req.on("error", () => {}); // the demo keeps going whatever the mesh does
    req.end(shot.body);
    sent++;
  };
  const loop = () => {
    if (stopped) return;
    fire();
    // Exponential gaps give bursty, Poisson-like arrivals around the target rate.
    timer = setTimeout(loop, Math.min(1000, -Math.log(1 - Math.random()) * (1000 / ratePerSecond)));
  };
  loop();
  return {
    get sent() {
      return sent;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const r of inFlight) r.destroy();
      agent.destroy();
    },
  };
}
