// The tap form's state, its URL form (so a tap is a link to share) and the ObserveRequest it becomes.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Match_HttpSchema, MatchSchema, ObserveRequestSchema, type Match, type ObserveRequest } from "../../proto/gen/meshdash/tap/v1/tap_pb";

export interface TapQuery {
  /** Empty means any method. */
  method: string;
  pathPrefix: string;
  authorityPrefix: string;
  limit: number;
}

export const DEFAULT_LIMIT = 10_000;
export const MAX_LIMIT = 100_000;
export const METHODS = ["", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

export const DEFAULT_QUERY: TapQuery = { method: "", pathPrefix: "", authorityPrefix: "", limit: DEFAULT_LIMIT };

export type QueryErrors = Partial<Record<keyof TapQuery, string>>;

export function validateQuery(q: TapQuery): QueryErrors {
  const errors: QueryErrors = {};
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) errors.limit = `a whole number from 1 to ${MAX_LIMIT}`;
  if (q.pathPrefix && !q.pathPrefix.startsWith("/")) errors.pathPrefix = 'must start with "/"';
  if (q.method && !/^[A-Z]+$/.test(q.method)) errors.method = "an HTTP method, e.g. GET";
  if (/\s/.test(q.authorityPrefix)) errors.authorityPrefix = "no spaces";
  return errors;
}

export function queryFromParams(params: URLSearchParams): TapQuery {
  const limitRaw = params.get("limit");
  const limit = limitRaw === null || limitRaw === "" ? DEFAULT_LIMIT : Number(limitRaw);
  return {
    method: (params.get("method") ?? "").toUpperCase(),
    pathPrefix: params.get("path") ?? "",
    authorityPrefix: params.get("authority") ?? "",
    limit,
  };
}

export function queryToParams(q: TapQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.method) p.set("method", q.method);
  if (q.pathPrefix) p.set("path", q.pathPrefix);
  if (q.authorityPrefix) p.set("authority", q.authorityPrefix);
  if (q.limit !== DEFAULT_LIMIT) p.set("limit", String(q.limit));
  return p;
}

export function toObserveRequest(q: TapQuery): ObserveRequest {
  const matches: Match[] = [];
  const http = (match: MessageInitShape<typeof Match_HttpSchema>["match"]) => create(MatchSchema, { match: { case: "http", value: { match } } });
  if (q.method) matches.push(http({ case: "method", value: q.method }));
  if (q.pathPrefix) matches.push(http({ case: "path", value: { match: { case: "prefix", value: q.pathPrefix } } }));
  if (q.authorityPrefix) matches.push(http({ case: "authority", value: { match: { case: "prefix", value: q.authorityPrefix } } }));
  return create(ObserveRequestSchema, {
    limit: q.limit,
    match: matches.length ? { match: { case: "all", value: { matches } } } : undefined,
    extract: { extract: { case: "http", value: { extract: { case: "headers", value: {} } } } },
  });
}
