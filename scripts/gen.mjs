// `npm run gen`: generates every protobuf-es module into one folder (default proto/gen), from
//  1. our own .proto files under proto/ (meshdash.*), and
//  2. the Envoy v3 xDS API closure we consume, read at build time from the .proto files that
//     @grpc/grpc-js-xds ships (never copied into this repo). Its validate.proto predates
//     StringRules.ignore_empty, which newer Envoy files use; a temporary copy gains that one field.
// Usage: node scripts/gen.mjs [outDir]
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.resolve(process.argv[2] ?? path.join(root, "proto", "gen"));
const buf = path.join(root, "node_modules", ".bin", "buf");
const plugin = path.join(root, "node_modules", ".bin", "protoc-gen-es");
const deps = path.join(root, "node_modules", "@grpc", "grpc-js-xds", "deps");

/** The Envoy API files the engine, the xDS server and the admin API use; buf adds their imports. */
export const ENVOY_FILES = [
  "envoy/service/discovery/v3/ads.proto",
  "envoy/config/listener/v3/listener.proto",
  "envoy/config/route/v3/route.proto",
  "envoy/config/cluster/v3/cluster.proto",
  "envoy/config/endpoint/v3/endpoint.proto",
  "envoy/config/bootstrap/v3/bootstrap.proto",
  "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto",
  "envoy/extensions/filters/http/router/v3/router.proto",
  "envoy/extensions/filters/http/fault/v3/fault.proto",
  "envoy/extensions/filters/http/cors/v3/cors.proto",
  "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto",
  "envoy/extensions/filters/http/header_mutation/v3/header_mutation.proto",
  "envoy/admin/v3/config_dump.proto",
  "envoy/extensions/access_loggers/file/v3/file.proto",
  "envoy/extensions/access_loggers/stream/v3/stream.proto",
  "envoy/extensions/upstreams/http/v3/http_protocol_options.proto",
  "envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit.proto",
  "envoy/extensions/filters/network/connection_limit/v3/connection_limit.proto",
];

const work = mkdtempSync(path.join(tmpdir(), "meshdash-gen-"));
try {
  // Our own module, with the template's options.
  const template = readFileSync(path.join(root, "proto", "buf.gen.yaml"), "utf8");
  const opts = [...template.matchAll(/^\s+- (\S+=\S+)$/gm)].map((m) => m[1]);
  const pluginBlock = (extra) =>
    ["version: v2", "plugins:", `  - local: ${plugin}`, `    out: ${outDir}`, "    opt:", ...opts.map((o) => `      - ${o}`), ...extra].join("\n");

  rmSync(outDir, { recursive: true, force: true });
  writeFileSync(path.join(work, "own.gen.yaml"), pluginBlock([]));
  execFileSync(buf, ["generate", path.join(root, "proto"), "--template", path.join(work, "own.gen.yaml")], { cwd: root, stdio: "inherit" });

  if (!existsSync(deps)) throw new Error(`missing ${deps}: run npm install`);
  const envoy = path.join(work, "envoy");
  for (const m of ["envoy-api", "googleapis", "protoc-gen-validate", "xds"]) cpSync(path.join(deps, m), path.join(envoy, m), { recursive: true });
  const validate = path.join(envoy, "protoc-gen-validate", "validate", "validate.proto");
  const text = readFileSync(validate, "utf8");
  if (!text.includes("ignore_empty = 26")) {
    writeFileSync(validate, text.replace(/message StringRules \{/, "message StringRules {\n  optional bool ignore_empty = 26;"));
  }
  writeFileSync(
    path.join(envoy, "buf.yaml"),
    ["version: v2", "modules:", "  - path: envoy-api", "  - path: googleapis", "  - path: protoc-gen-validate", "  - path: xds"].join("\n"),
  );
  writeFileSync(path.join(work, "envoy.gen.yaml"), pluginBlock(["    include_imports: true"]));
  execFileSync(buf, ["generate", envoy, "--template", path.join(work, "envoy.gen.yaml"), ...ENVOY_FILES.flatMap((f) => ["--path", path.join(envoy, "envoy-api", f)])], {
    cwd: root,
    stdio: "inherit",
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
