// What a tap predicate can see of a request at request-init time. Built only when a tap is active.

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
  destinationLabels: Readonly<Record<string, string>> | undefined;
  routeLabels: Readonly<Record<string, string>> | undefined;
}
