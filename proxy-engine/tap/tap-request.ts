// What a tap predicate can see of a request. Built only when a tap is active.

export interface TapRequestInfo {
  method: string;
  scheme: "http" | "https";
  authority: string;
  /** Path without the query string. */
  path: string;
  sourceIp: string;
  sourcePort: number;
  destinationIp: string;
  destinationPort: number;
  /**
   * Labels of where the request goes (see destination-labels.ts); undefined until the request is routed,
   * which makes label predicates answer "not known yet".
   */
  destinationLabels: Readonly<Record<string, string>> | undefined;
  /** Labels of the route that matched (route, virtual_host); undefined until routed, {} for no route. */
  routeLabels: Readonly<Record<string, string>> | undefined;
}
