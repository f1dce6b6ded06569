// The one client layer: Connect-web clients for every service, over the page's own origin.
"use client";

import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { MeshService } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { TapService } from "../../proto/gen/meshdash/tap/v1/tap_pb";

let transport: ReturnType<typeof createConnectTransport> | undefined;

function getTransport() {
  transport ??= createConnectTransport({ baseUrl: window.location.origin, useBinaryFormat: true });
  return transport;
}

export function tapClient(): Client<typeof TapService> {
  return createClient(TapService, getTransport());
}

export function meshClient(): Client<typeof MeshService> {
  return createClient(MeshService, getTransport());
}
