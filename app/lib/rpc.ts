// The one client layer: Connect-web clients for every service, over the page's own origin.
"use client";

import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ClusterService } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { ConfigService } from "../../proto/gen/meshdash/config/v1/config_pb";
import { MeshService } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { PolicyService } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { RouteService } from "../../proto/gen/meshdash/route/v1/route_pb";
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

export function configClient(): Client<typeof ConfigService> {
  return createClient(ConfigService, getTransport());
}

export function registryClient(): Client<typeof RegistryService> {
  return createClient(RegistryService, getTransport());
}

export function clusterClient(): Client<typeof ClusterService> {
  return createClient(ClusterService, getTransport());
}

export function routeClient(): Client<typeof RouteService> {
  return createClient(RouteService, getTransport());
}

export function policyClient(): Client<typeof PolicyService> {
  return createClient(PolicyService, getTransport());
}
