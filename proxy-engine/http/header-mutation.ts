// Envoy's request_headers_to_add/remove and response_headers_to_add/remove, compiled once per route,
// virtual host and route configuration, and applied most specific first (route, then virtual host, then
// route configuration), as Envoy does by default.

import type { OutgoingHttpHeaders } from "node:http";
import { HeaderValueOption_HeaderAppendAction as AppendAction, type HeaderValueOption } from "../../proto/gen/envoy/config/core/v3/base_pb";
import { ConfigError } from "../config/config-error";
import { compileFormat, formatValue, type FormatContext, type Formatted } from "./header-format";

export interface HeaderAdd {
  name: string;
  value: Formatted;
  action: AppendAction;
  keepEmpty: boolean;
}

export interface HeaderMutation {
  add: HeaderAdd[];
  remove: string[];
}

/** Headers a configuration may never touch (Envoy rejects these too). */
const PROTECTED = new Set([":authority", ":path", ":method", ":scheme", "host", "connection", "transfer-encoding", "content-length"]);

export function compileHeaderMutation(add: HeaderValueOption[], remove: string[], path: string, addField: string, removeField: string): HeaderMutation | undefined {
  if (add.length === 0 && remove.length === 0) return undefined;
  const out: HeaderMutation = { add: [], remove: [] };
  add.forEach((o, i) => {
    const p = `${path}.${addField}[${i}]`;
    const name = o.header?.key.toLowerCase() ?? "";
    if (!name || !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) throw new ConfigError([{ path: `${p}.header.key`, message: `"${o.header?.key ?? ""}" is not a valid header name` }]);
    if (PROTECTED.has(name)) throw new ConfigError([{ path: `${p}.header.key`, message: `"${name}" cannot be modified` }]);
    // The deprecated `append` (default true) maps onto append_action when it is set.
    const action = o.append === undefined ? o.appendAction : o.append ? AppendAction.APPEND_IF_EXISTS_OR_ADD : AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
    out.add.push({ name, value: compileFormat(o.header?.value ?? "", `${p}.header.value`), action, keepEmpty: o.keepEmptyValue });
  });
  remove.forEach((r, i) => {
    const name = r.toLowerCase();
    if (PROTECTED.has(name)) throw new ConfigError([{ path: `${path}.${removeField}[${i}]`, message: `"${name}" cannot be removed` }]);
    out.remove.push(name);
  });
  return out;
}

export function applyHeaderMutation(headers: OutgoingHttpHeaders, m: HeaderMutation, ctx: FormatContext): void {
  for (const name of m.remove) delete headers[name];
  for (const a of m.add) {
    const value = formatValue(a.value, ctx);
    if (value === "" && !a.keepEmpty) continue;
    const existing = headers[a.name];
    switch (a.action) {
      case AppendAction.APPEND_IF_EXISTS_OR_ADD:
        headers[a.name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [String(existing), value];
        break;
      case AppendAction.ADD_IF_ABSENT:
        if (existing === undefined) headers[a.name] = value;
        break;
      case AppendAction.OVERWRITE_IF_EXISTS_OR_ADD:
        headers[a.name] = value;
        break;
      case AppendAction.OVERWRITE_IF_EXISTS:
        if (existing !== undefined) headers[a.name] = value;
        break;
    }
  }
}
