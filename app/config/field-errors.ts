// Validation problems as the editor shows them: from the client-side schema or the server's dry run
// (a Connect ValidationErrors detail), merged, and split into those shown at a field and the rest.

import { Code, ConnectError } from "@connectrpc/connect";
import { ValidationErrorsSchema, type FieldError as FieldErrorMsg } from "../../proto/gen/meshdash/config/v1/config_pb";
import { nearestKnown } from "./field-paths";

export interface FieldProblem {
  /** Istio field path inside the rule, e.g. spec.http[0].route[1].weight; "" for the whole document. */
  path: string;
  message: string;
  /** 1-based line in the YAML, when known. */
  line?: number;
  source: "client" | "server";
  severity: "error" | "warning";
}

export function fromFieldErrorMsg(e: FieldErrorMsg, severity: FieldProblem["severity"]): FieldProblem {
  return { path: e.path, message: e.message, line: e.line > 0 ? e.line : undefined, source: "server", severity };
}

/** The field problems of an INVALID_ARGUMENT error, or undefined for any other error. */
export function problemsFromError(err: unknown): FieldProblem[] | undefined {
  const ce = ConnectError.from(err);
  if (ce.code !== Code.InvalidArgument) return undefined;
  const details = ce.findDetails(ValidationErrorsSchema);
  const list = details.flatMap((d) => d.errors.map((e) => fromFieldErrorMsg(e, "error")));
  return list.length ? list : [{ path: "", message: ce.rawMessage, source: "server", severity: "error" }];
}

/** Client problems first; a server problem at a path the client already flags is the same problem twice. */
export function mergeProblems(client: readonly FieldProblem[], server: readonly FieldProblem[]): FieldProblem[] {
  const flagged = new Set(client.map((p) => p.path));
  return [...client, ...server.filter((p) => !flagged.has(p.path))];
}

export interface PlacedProblems {
  /** Field path shown in the form → the problems shown next to it. */
  atField: ReadonlyMap<string, FieldProblem[]>;
  /** Problems no form field shows (listed in the summary with their YAML line). */
  unplaced: FieldProblem[];
}

export function placeProblems(problems: readonly FieldProblem[], known: ReadonlySet<string>): PlacedProblems {
  const atField = new Map<string, FieldProblem[]>();
  const unplaced: FieldProblem[] = [];
  for (const p of problems) {
    const at = nearestKnown(p.path, known);
    if (at === undefined) unplaced.push(p);
    else atField.set(at, [...(atField.get(at) ?? []), p]);
  }
  return { atField, unplaced };
}
