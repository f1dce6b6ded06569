// The connection manager's access_log list (file, stdout, stderr loggers) compiled into writers of JSON
// (or text) lines. Lines are built when a stream ends and written through a buffered stream, off the
// request path; a logger that fails stops logging and never fails a request.

import { createWriteStream, type WriteStream } from "node:fs";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { JsonObject } from "@bufbuild/protobuf";
import type { AccessLog } from "../../../proto/gen/envoy/config/accesslog/v3/accesslog_pb";
import type { SubstitutionFormatString } from "../../../proto/gen/envoy/config/core/v3/substitution_format_string_pb";
import { FileAccessLogSchema, type FileAccessLog } from "../../../proto/gen/envoy/extensions/access_loggers/file/v3/file_pb";
import { StderrAccessLogSchema, StdoutAccessLogSchema, type StdoutAccessLog } from "../../../proto/gen/envoy/extensions/access_loggers/stream/v3/stream_pb";
import { ConfigError } from "../../config/config-error";
import { typeRegistry } from "../../config/type-registry";
import { compileJsonFormat, compileLogFormat, DEFAULT_JSON_FORMAT, type LogRecord } from "./access-log-format";

export interface AccessLogger {
  log(r: LogRecord): void;
}

// One stream per file path for the whole process, so config swaps do not reopen files.
const files = new Map<string, WriteStream>();

function sinkFor(path: string): (line: string) => void {
  if (path === "/dev/stdout") return (l) => process.stdout.write(l);
  if (path === "/dev/stderr") return (l) => process.stderr.write(l);
  let ws = files.get(path);
  if (!ws) {
    ws = createWriteStream(path, { flags: "a" });
    ws.on("error", (e) => {
      console.error(`access log ${path}: ${e.message}; logging to it stops`);
      files.delete(path);
    });
    files.set(path, ws);
  }
  const stream = ws;
  return (l) => {
    if (!stream.destroyed) stream.write(l);
  };
}

function formatter(f: SubstitutionFormatString | undefined, path: string): (r: LogRecord) => string {
  const fmt = f?.format;
  if (fmt?.case === "textFormat") {
    const op = compileLogFormat(fmt.value, `${path}.text_format`);
    return (r) => String(op(r) ?? "-");
  }
  if (fmt?.case === "jsonFormat") return compileJsonFormat(fmt.value as JsonObject, `${path}.json_format`);
  if (fmt?.case) throw new ConfigError([{ path, message: `${fmt.case} is not supported; use json_format or text_format` }]);
  return compileJsonFormat(DEFAULT_JSON_FORMAT, path);
}

export function compileAccessLogs(logs: AccessLog[], path: string): AccessLogger[] {
  return logs.map((l, i) => {
    const p = `${path}[${i}]`;
    if (l.filter) throw new ConfigError([{ path: `${p}.filter`, message: "access log filters are not supported yet" }]);
    const tc = l.configType.case === "typedConfig" ? l.configType.value : undefined;
    const m = tc ? anyUnpack(tc, typeRegistry) : undefined;
    let sink: (line: string) => void;
    let format: (r: LogRecord) => string;
    if (m?.$typeName === FileAccessLogSchema.typeName) {
      const f = m as FileAccessLog;
      if (!f.path) throw new ConfigError([{ path: `${p}.typed_config.path`, message: "is required" }]);
      const af = f.accessLogFormat;
      format =
        af.case === "logFormat"
          ? formatter(af.value, `${p}.typed_config.log_format`)
          : af.case === "jsonFormat"
            ? compileJsonFormat(af.value as JsonObject, `${p}.typed_config.json_format`)
            : af.case === "format"
              ? ((op) => (r: LogRecord) => String(op(r) ?? "-"))(compileLogFormat(af.value, `${p}.typed_config.format`))
              : formatter(undefined, p);
      sink = sinkFor(f.path);
    } else if (m?.$typeName === StdoutAccessLogSchema.typeName || m?.$typeName === StderrAccessLogSchema.typeName) {
      const f = m as StdoutAccessLog;
      format = formatter(f.accessLogFormat.case === "logFormat" ? f.accessLogFormat.value : undefined, `${p}.typed_config.log_format`);
      sink = sinkFor(m.$typeName === StdoutAccessLogSchema.typeName ? "/dev/stdout" : "/dev/stderr");
    } else {
      throw new ConfigError([{ path: `${p}.typed_config`, message: `unsupported access logger ${tc?.typeUrl ?? l.name} (file, stdout and stderr are supported)` }]);
    }
    return {
      log(r) {
        try {
          sink(`${format(r)}\n`);
        } catch {
          // A logger never fails a request.
        }
      },
    };
  });
}
