// Test helpers for the xDS client tests: waiting on status or any condition with a deadline (never a
// fixed sleep), and naming a request's type.

import type { DiscoveryRequest } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import type { XdsClient, XdsClientStatus } from "./xds-client";
import { kindOfTypeUrl, type XdsKind } from "./xds-kinds";

export const kindOf = (r: DiscoveryRequest): XdsKind | string => kindOfTypeUrl(r.typeUrl) ?? r.typeUrl;

/** Polls until `check` passes or the deadline does. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function statusWhen(client: XdsClient, pred: (s: XdsClientStatus) => boolean, timeoutMs = 5000): Promise<XdsClientStatus> {
  return new Promise((resolve, reject) => {
    if (pred(client.status())) return resolve(client.status());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`status never matched; last: ${JSON.stringify(client.status())}`));
    }, timeoutMs);
    const off = client.onStatus((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}
