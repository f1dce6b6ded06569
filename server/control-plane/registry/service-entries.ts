// Reads Istio ServiceEntry documents (networking.istio.io/v1, resolution STATIC, with endpoints) into
// registry services and workload instances, so users describe their own services in YAML they know.
// Every problem is reported with its document index and field path; nothing is half-applied.

import { isIP } from "node:net";
import { parseAllDocuments } from "yaml";
import { resolveHost } from "../rules/resolve-host";
import type { Locality, PortProtocol, Service, WorkloadInstance } from "./registry-types";
import type { SourceContent } from "./service-registry";

export interface RegistryIssue {
  /** e.g. "services.yaml#2 spec.endpoints[0].address". */
  path: string;
  message: string;
}

const PROTOCOLS: Record<string, PortProtocol> = { HTTP: "HTTP", HTTP2: "HTTP2", GRPC: "GRPC", TCP: "TCP" };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseServiceEntries(text: string, origin: string): { content: SourceContent; issues: RegistryIssue[] } {
  const content: SourceContent = { services: [], instances: [] };
  const issues: RegistryIssue[] = [];
  const docs = parseAllDocuments(text);
  docs.forEach((doc, d) => {
    const at = (p: string) => `${origin}#${d + 1}${p ? ` ${p}` : ""}`;
    for (const e of doc.errors) issues.push({ path: at(""), message: e.message });
    if (doc.errors.length) return;
    const raw: unknown = doc.toJS();
    if (raw === null || raw === undefined) return;
    if (!isObj(raw)) return issues.push({ path: at(""), message: "a document must be a mapping" });
    if (raw.kind !== "ServiceEntry") return issues.push({ path: at("kind"), message: `"${String(raw.kind)}" is not supported here; use kind: ServiceEntry` });
    if (typeof raw.apiVersion !== "string" || !raw.apiVersion.startsWith("networking.istio.io/")) {
      return issues.push({ path: at("apiVersion"), message: `"${String(raw.apiVersion)}" is not supported; use networking.istio.io/v1` });
    }
    const meta = isObj(raw.metadata) ? raw.metadata : {};
    const namespace = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : "default";
    const spec = isObj(raw.spec) ? raw.spec : undefined;
    if (!spec) return issues.push({ path: at("spec"), message: "is required" });
    const hosts = Array.isArray(spec.hosts) ? spec.hosts.filter((h): h is string => typeof h === "string" && h !== "") : [];
    if (hosts.length === 0) return issues.push({ path: at("spec.hosts"), message: "needs at least one host" });
    if (spec.resolution !== undefined && spec.resolution !== "STATIC") issues.push({ path: at("spec.resolution"), message: `"${String(spec.resolution)}" is not supported; only STATIC endpoints are` });
    const before = issues.length;
    const ports = (Array.isArray(spec.ports) ? spec.ports : []).map((p: unknown, i) => readPort(p, at(`spec.ports[${i}]`), issues));
    if (ports.length === 0) issues.push({ path: at("spec.ports"), message: "needs at least one port" });
    const endpoints = Array.isArray(spec.endpoints) ? spec.endpoints : [];
    if (issues.length > before) return;
    for (const host of hosts) {
      const hostname = resolveHost(host, namespace);
      const name = typeof meta.name === "string" && hosts.length === 1 ? meta.name : hostname.split(".")[0]!;
      const service: Service = { name, namespace, hostname, ports: ports.map((p) => ({ name: p!.name, port: p!.port, protocol: p!.protocol })) };
      content.services.push(service);
      endpoints.forEach((e: unknown, i) => {
        const inst = readEndpoint(e, at(`spec.endpoints[${i}]`), service, ports as PortSpec[], issues, i);
        if (inst) content.instances.push(inst);
      });
    }
  });
  return { content, issues };
}

interface PortSpec {
  name: string;
  port: number;
  protocol: PortProtocol;
  targetPort?: number;
}

function readPort(p: unknown, path: string, issues: RegistryIssue[]): PortSpec | undefined {
  if (!isObj(p)) return void issues.push({ path, message: "must be a mapping with number, name and protocol" });
  const port = Number(p.number);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return void issues.push({ path: `${path}.number`, message: "must be a port number 1-65535" });
  const protocol = PROTOCOLS[String(p.protocol ?? "HTTP").toUpperCase()];
  if (!protocol) return void issues.push({ path: `${path}.protocol`, message: `"${String(p.protocol)}" is not supported; use HTTP, HTTP2, GRPC or TCP` });
  const targetPort = p.targetPort === undefined ? undefined : Number(p.targetPort);
  return { name: typeof p.name === "string" ? p.name : `${protocol.toLowerCase()}-${port}`, port, protocol, targetPort };
}

function readEndpoint(e: unknown, path: string, service: Service, ports: PortSpec[], issues: RegistryIssue[], index: number): WorkloadInstance | undefined {
  if (!isObj(e)) return void issues.push({ path, message: "must be a mapping with an address" });
  const address = typeof e.address === "string" ? e.address : "";
  if (!isIP(address)) return void issues.push({ path: `${path}.address`, message: `"${address}" must be an IP literal` });
  const portMap: Record<number, number> = {};
  const named = isObj(e.ports) ? e.ports : {};
  for (const p of ports) {
    const target = named[p.name] ?? p.targetPort;
    if (target === undefined) continue;
    const n = Number(target);
    if (!Number.isInteger(n) || n < 1 || n > 65535) issues.push({ path: `${path}.ports.${p.name}`, message: "must be a port number 1-65535" });
    else portMap[p.port] = n;
  }
  const labels: Record<string, string> = {};
  if (isObj(e.labels)) for (const [k, v] of Object.entries(e.labels)) labels[k] = String(v);
  const weight = e.weight === undefined ? 1 : Number(e.weight);
  if (!Number.isInteger(weight) || weight < 1) return void issues.push({ path: `${path}.weight`, message: "must be a positive integer" });
  return {
    service: service.hostname,
    name: typeof e.name === "string" ? e.name : `${service.name}-${index}`,
    address,
    ports: portMap,
    labels,
    locality: parseLocality(typeof e.locality === "string" ? e.locality : ""),
    healthy: e.healthy !== false,
    weight,
  };
}

/** Istio writes locality as "region/zone/subzone". */
export function parseLocality(s: string): Locality {
  const [region = "", zone = "", subZone = ""] = s.split("/");
  return { region, zone, subZone };
}
