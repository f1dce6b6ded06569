// The Top page's URL: the tap filter it aggregates (the Tap page's parameters) plus the sort, and the Tap
// link a row opens (the page's filter narrowed to that row: method, exact path, direction, proxy, source).

import { DEFAULT_QUERY, queryFromParams, queryToParams, type TapQuery } from "../tap/tap-query";
import { NATURAL_ORDER, TOP_SORT_KEYS, type SortOrder, type TopRow, type TopSortKey } from "./top-aggregate";

export interface TopQuery {
  filter: TapQuery;
  sort: TopSortKey;
  order: SortOrder;
}

export const DEFAULT_SORT: TopSortKey = "count";

export function topQueryFromParams(params: URLSearchParams): TopQuery {
  const sortRaw = params.get("sort") ?? "";
  const sort = (TOP_SORT_KEYS as readonly string[]).includes(sortRaw) ? (sortRaw as TopSortKey) : DEFAULT_SORT;
  const orderRaw = params.get("order");
  const order: SortOrder = orderRaw === "asc" || orderRaw === "desc" ? orderRaw : NATURAL_ORDER[sort];
  // Top runs until stopped: a limit or body capture in a pasted Tap link does not apply.
  const filter = { ...queryFromParams(params), limit: DEFAULT_QUERY.limit, bodyBytes: 0 };
  return { filter, sort, order };
}

export function topQueryToParams(q: TopQuery): URLSearchParams {
  const p = queryToParams({ ...q.filter, limit: DEFAULT_QUERY.limit, bodyBytes: 0 });
  if (q.sort !== DEFAULT_SORT) p.set("sort", q.sort);
  if (q.order !== NATURAL_ORDER[q.sort]) p.set("order", q.order);
  return p;
}

const isIp = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(":");

/** A Tap link for one Top row: the same filter, narrowed to the row's method, path, direction and origin. */
export function tapHrefForRow(filter: TapQuery, row: TopRow): string {
  const q: TapQuery = { ...filter, limit: DEFAULT_QUERY.limit };
  if (row.method) q.method = row.method;
  if (row.path) {
    q.path = row.path;
    q.pathMatch = "exact";
  }
  if (row.direction) q.direction = row.direction;
  if (row.proxy && !q.proxy) q.proxy = row.proxy;
  if (row.sourceIp && !q.source && isIp(row.sourceIp) && row.source === row.sourceIp) q.source = row.sourceIp;
  const qs = queryToParams(q).toString();
  return qs ? `/tap?${qs}` : "/tap";
}
