// Maps control-plane failures to Connect errors with the codes tools expect: validation → INVALID_ARGUMENT
// with a ValidationErrors detail (field paths), a stale revision → ABORTED, a refused store operation →
// FAILED_PRECONDITION. Anything else is rethrown (Connect reports it as INTERNAL).

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ValidationErrorsSchema, type FieldError as FieldErrorMsg } from "../../proto/gen/meshdash/config/v1/config_pb";
import { ValidationFailed } from "../control-plane/changes/config-changes";
import type { FieldError } from "../control-plane/rules/field-error";
import { ConflictError, StoreError } from "../control-plane/store/config-store";

export function toFieldErrorMessage(e: FieldError): Omit<FieldErrorMsg, "$typeName"> {
  const [kind = "", ref = ""] = (e.rule ?? "").split(" ");
  const [namespace = "", name = ""] = ref.split("/");
  return { path: e.path, message: e.message, line: e.line ?? 0, ref: e.rule ? { $typeName: "meshdash.config.v1.ConfigRef", kind, namespace, name } : undefined };
}

export async function mapControlPlaneErrors<T>(run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ValidationFailed) {
      throw new ConnectError(e.message, Code.InvalidArgument, undefined, [{ desc: ValidationErrorsSchema, value: create(ValidationErrorsSchema, { errors: e.errors.map(toFieldErrorMessage) }) }]);
    }
    if (e instanceof ConflictError) throw new ConnectError(e.message, Code.Aborted);
    if (e instanceof StoreError) throw new ConnectError(e.message, Code.FailedPrecondition);
    throw e;
  }
}
