// Checks the Kubernetes envelope of one resource (apiVersion, kind, metadata, spec) and turns it into a
// RawRuleDoc. Gateways are skipped with a warning (meshdash's ingress plays every gateway); other kinds,
// wrong API versions and bad names are errors.

import { isDnsLabel, isDnsSubdomain } from "./common-schemas";
import { likelyTypo } from "./close-names";
import { type FieldError, lineFor } from "./field-error";
import { ISTIO_API_VERSIONS, POLICY_API_VERSION } from "./istio-types";
import { isRuleKind, POLICY_KINDS, type RawRuleDoc, RULE_KINDS, ruleLabel } from "./raw-rule-doc";
import { NOT_SUPPORTED, OTHER_ISTIO_KINDS } from "./unsupported-fields";
import { describeValue, isRecord, orList, unknownField } from "./zod-kit";

export const DEFAULT_NAMESPACE = "default";
const TOP_LEVEL = ["apiVersion", "kind", "metadata", "spec", "status"];
/** ObjectMeta fields the API server fills in; exported YAML carries them, and they mean nothing to routing. */
const SERVER_METADATA = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"];
/** ObjectMeta fields a user may write that meshdash does not keep. */
const IGNORED_METADATA = ["labels", "annotations", "ownerReferences", "finalizers", "generateName"];

export interface EnvelopeContext {
  doc: number;
  /** Field-path prefix of this resource inside its document: "" or "items[3]". */
  prefix: string;
  /** Lines of the whole YAML document (paths including the prefix). */
  lines: ReadonlyMap<string, number>;
  errors: FieldError[];
  warnings: FieldError[];
}

const API_HINT = `use ${ISTIO_API_VERSIONS[0]}`;
const KIND_HINT = `use ${orList(RULE_KINDS)}`;

/** The RawRuleDoc for `obj`, or undefined when it was skipped or had errors (which are added to ctx). */
export function checkEnvelope(obj: unknown, ctx: EnvelopeContext): Omit<RawRuleDoc, "source"> | undefined {
  const errorsBefore = ctx.errors.length;
  const report = (list: FieldError[], field: string, message: string, rule?: string) => {
    const path = [ctx.prefix, field].filter((p) => p !== "").join(".");
    const entry: FieldError = { path, message, doc: ctx.doc };
    const line = lineFor(ctx.lines, path);
    if (line !== undefined) entry.line = line;
    if (rule) entry.rule = rule;
    list.push(entry);
  };
  const error = (field: string, message: string) => report(ctx.errors, field, message);

  if (!isRecord(obj)) {
    error("", `expected a mapping with apiVersion, kind, metadata and spec, got ${describeValue(obj)}`);
    return undefined;
  }
  const kind = obj.kind;
  if (kind === "Gateway") {
    report(ctx.warnings, "kind", "Gateway is not supported by meshdash; ignored (VirtualServices bound to any gateway apply to the meshdash ingress)");
    return undefined;
  }
  const api = obj.apiVersion;
  const policy = (POLICY_KINDS as readonly unknown[]).includes(kind);
  const apiHint = policy ? `use ${POLICY_API_VERSION} for ${String(kind)}` : API_HINT;
  if (api === undefined) error("apiVersion", `required; ${apiHint}`);
  else if (typeof api !== "string" || (policy ? api !== POLICY_API_VERSION : !(ISTIO_API_VERSIONS as readonly string[]).includes(api))) error("apiVersion", `${describeValue(api)} is not supported; ${apiHint}`);

  if (kind === undefined) error("kind", `required; ${KIND_HINT}`);
  else if (typeof kind !== "string") error("kind", `expected a string, got ${describeValue(kind)}`);
  else if (kind === "List") error("kind", "a List cannot contain another List");
  else if ((OTHER_ISTIO_KINDS as readonly string[]).includes(kind)) error("kind", `"${kind}" is not supported by meshdash; ${KIND_HINT}`);
  else if (!isRuleKind(kind)) {
    const guess = likelyTypo(kind, RULE_KINDS);
    error("kind", `"${kind}" is not a supported kind; ${guess ? `did you mean ${guess}?` : KIND_HINT}`);
  }

  for (const key of Object.keys(obj)) {
    if (!TOP_LEVEL.includes(key)) error(key, unknownField(key, TOP_LEVEL));
  }

  const meta = checkMetadata(obj.metadata, error, (field) => report(ctx.warnings, field, NOT_SUPPORTED));
  if (obj.spec === undefined) error("spec", "required");
  else if (!isRecord(obj.spec)) error("spec", `expected a mapping, got ${describeValue(obj.spec)}`);

  if (ctx.errors.length > errorsBefore || !isRuleKind(kind) || !meta) {
    if (isRuleKind(kind) && meta) for (const e of ctx.errors.slice(errorsBefore)) e.rule = ruleLabel({ kind, ...meta });
    return undefined;
  }
  return { kind, metadata: meta, spec: obj.spec };
}

function checkMetadata(meta: unknown, error: (field: string, message: string) => void, ignored: (field: string) => void): { name: string; namespace: string } | undefined {
  if (meta === undefined) return void error("metadata", "required");
  if (!isRecord(meta)) return void error("metadata", `expected a mapping, got ${describeValue(meta)}`);
  let ok = true;
  const { name, namespace } = meta;
  if (name === undefined) ok = fail(error, "metadata.name", "required");
  else if (typeof name !== "string") ok = fail(error, "metadata.name", `expected a string, got ${describeValue(name)}`);
  else if (!isDnsSubdomain(name)) ok = fail(error, "metadata.name", `invalid name ${JSON.stringify(name)}; use lowercase letters, digits, "-" and "." (a DNS subdomain)`);
  if (namespace !== undefined) {
    if (typeof namespace !== "string") ok = fail(error, "metadata.namespace", `expected a string, got ${describeValue(namespace)}`);
    else if (!isDnsLabel(namespace)) ok = fail(error, "metadata.namespace", `invalid namespace ${JSON.stringify(namespace)}; use lowercase letters, digits and "-" (a DNS label)`);
  }
  for (const key of Object.keys(meta)) {
    if (key === "name" || key === "namespace" || SERVER_METADATA.includes(key)) continue;
    if (IGNORED_METADATA.includes(key)) ignored(`metadata.${key}`);
    else ok = fail(error, `metadata.${key}`, unknownField(key, ["name", "namespace", ...IGNORED_METADATA]));
  }
  return ok ? { name: name as string, namespace: (namespace as string | undefined) ?? DEFAULT_NAMESPACE } : undefined;
}

function fail(error: (field: string, message: string) => void, field: string, message: string): false {
  error(field, message);
  return false;
}
