// Field problems: from a Connect INVALID_ARGUMENT, merged with client ones, placed at fields or not.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ValidationErrorsSchema } from "../../proto/gen/meshdash/config/v1/config_pb";
import { mergeProblems, placeProblems, problemsFromError, type FieldProblem } from "./field-errors";

const p = (path: string, source: FieldProblem["source"] = "client"): FieldProblem => ({ path, message: "m", source, severity: "error" });

describe("field problems", () => {
  it("reads the ValidationErrors detail of INVALID_ARGUMENT, and nothing from other errors", () => {
    const detail = create(ValidationErrorsSchema, { errors: [{ path: "spec.http[0].route[1].destination.subset", message: 'subset "v9" is not defined', line: 10 }] });
    const err = new ConnectError("bad", Code.InvalidArgument, undefined, [{ desc: ValidationErrorsSchema, value: detail }]);
    expect(problemsFromError(err)).toEqual([{ path: "spec.http[0].route[1].destination.subset", message: 'subset "v9" is not defined', line: 10, source: "server", severity: "error" }]);
    expect(problemsFromError(new ConnectError("plain", Code.InvalidArgument))).toEqual([{ path: "", message: "plain", source: "server", severity: "error" }]);
    expect(problemsFromError(new ConnectError("stale", Code.Aborted))).toBeUndefined();
  });

  it("drops a server problem the client already reports at the same path", () => {
    expect(mergeProblems([p("a")], [p("a", "server"), p("b", "server")]).map((x) => `${x.path}/${x.source}`)).toEqual(["a/client", "b/server"]);
  });

  it("places problems at the nearest field and keeps the rest for the summary", () => {
    const placed = placeProblems([p("spec.http[0].route[1].weight"), p("spec.http[0].route[1].destination.port.number"), p("metadata.labels"), p("")], new Set(["spec.http[0].route[1].weight", "spec.http[0].route[1].destination.port"]));
    expect([...placed.atField.keys()]).toEqual(["spec.http[0].route[1].weight", "spec.http[0].route[1].destination.port"]);
    expect(placed.unplaced.map((x) => x.path)).toEqual(["metadata.labels", ""]);
  });
});
