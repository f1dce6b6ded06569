// Hook: one rule's editor. Loads the rule at the head revision (the revision edits are based on), keeps
// the form or YAML the user types, validates it (client schema + debounced server dry run), pushes it
// with that expected revision, and on a conflict keeps every edit while offering a reload.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { configClient } from "../lib/rpc";
import { summarizeChange } from "./change-result";
import { fetchRules, invalidateAfterWrite } from "./config-queries";
import type { PushedRevision } from "./convergence-view";
import { checkYaml, formFromIstio, formPaths, formToIstio, newForm, schemaProblems, type EditorForm } from "./editor-form";
import { mergeProblems, placeProblems, problemsFromError, type FieldProblem } from "./field-errors";
import { ruleLabel, sameRule, type RuleKind, type RuleRef } from "./rule-ref";
import { parseRuleYaml, ruleToYaml, withLines } from "./rule-yaml";
import { useDryRun } from "./use-dry-run";
import { touchedTypes } from "./xds-groups";

export interface EditorTarget {
  kind: RuleKind;
  namespace?: string;
  /** Undefined for a new rule. */
  name?: string;
}

type Load = { kind: "loading" } | { kind: "error"; message: string } | { kind: "missing"; revision: number } | { kind: "ready" };

export interface Base {
  /** Head revision when the editor loaded (or reloaded): the push's expected_revision. */
  revision: number;
  /** The rule's YAML at that revision ("" for a new rule). */
  yaml: string;
}

export interface Conflict {
  message: string;
  /** The revision the edit was based on. */
  expected: number;
}

/** What another writer changed, shown after "reload and keep my edits". */
export interface TheirChange {
  from: number;
  to: number;
  before: string;
  after: string;
}

const AUTHOR_KEY = "meshdash.author";

export function useRuleEditor(target: EditorTarget, onCreated?: (ref: RuleRef) => void) {
  const qc = useQueryClient();
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const [ref, setRef] = useState<RuleRef | undefined>(target.name ? { kind: target.kind, namespace: target.namespace ?? "default", name: target.name } : undefined);
  const [base, setBase] = useState<Base>();
  const [mode, setMode] = useState<"form" | "yaml">("form");
  const [form, setForm] = useState<EditorForm>(() => newForm(target.kind));
  const [yamlText, setYamlText] = useState("");
  const [formProblem, setFormProblem] = useState<string>();
  const [conflict, setConflict] = useState<Conflict>();
  const [theirs, setTheirs] = useState<TheirChange>();
  const [pushed, setPushed] = useState<PushedRevision>();
  const [pushing, setPushing] = useState(false);
  const [pushError, setPushError] = useState<string>();
  const [pushRejected, setPushRejected] = useState<{ yaml: string; problems: FieldProblem[] }>();
  const [author, setAuthorState] = useState("");
  const [message, setMessage] = useState("");

  useEffect(() => {
    setAuthorState(window.localStorage.getItem(AUTHOR_KEY) ?? "");
  }, []);
  const setAuthor = useCallback((a: string) => {
    setAuthorState(a);
    window.localStorage.setItem(AUTHOR_KEY, a);
  }, []);

  /** Puts the rule's YAML into the form (or, when the form cannot show it, the YAML editor). */
  const adopt = useCallback(
    (yaml: string) => {
      const doc = parseRuleYaml(yaml).docs[0];
      const r = formFromIstio(target.kind, doc);
      if ("form" in r) {
        setForm(r.form);
        setMode("form");
        setFormProblem(undefined);
      } else {
        setYamlText(yaml);
        setMode("yaml");
        setFormProblem(r.problem);
      }
    },
    [target.kind],
  );

  const initialize = useCallback(async () => {
    setLoad({ kind: "loading" });
    try {
      const rules = await qc.fetchQuery({ queryKey: ["config", "rules"], queryFn: fetchRules, staleTime: 0 });
      const current = ref ? rules.rules.find((r) => sameRule(r.ref, ref)) : undefined;
      if (ref && !current) return setLoad({ kind: "missing", revision: rules.revision });
      setBase({ revision: rules.revision, yaml: current?.yaml ?? "" });
      if (current) adopt(current.yaml);
      else {
        setForm(newForm(target.kind));
        setMode("form");
      }
      setConflict(undefined);
      setTheirs(undefined);
      setLoad({ kind: "ready" });
    } catch (err) {
      setLoad({ kind: "error", message: ConnectError.from(err).rawMessage });
    }
  }, [qc, ref, adopt, target.kind]);

  useEffect(() => {
    void initialize();
    // Load once; later reloads are explicit (conflict actions).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const ready = load.kind === "ready";
  const currentYaml = useMemo(() => (mode === "form" ? ruleToYaml(formToIstio(form)) : yamlText), [mode, form, yamlText]);
  const yamlCheck = useMemo(() => (mode === "yaml" ? checkYaml(yamlText) : undefined), [mode, yamlText]);
  const clientProblems = useMemo(
    () => (mode === "form" ? withLines(schemaProblems(form.kind, formToIstio(form)), currentYaml) : (yamlCheck?.problems ?? [])),
    [mode, form, currentYaml, yamlCheck],
  );
  const syntaxOk = mode === "form" || (yamlCheck?.docCount ?? 0) > 0;
  const dry = useDryRun(ready && syntaxOk ? currentYaml : undefined, base?.revision);
  const serverProblems = dry.data?.kind === "invalid" ? dry.data.problems : [];
  const pushProblems = pushRejected && pushRejected.yaml === currentYaml ? pushRejected.problems : [];
  const warnings = dry.data?.kind === "ok" ? dry.data.change.warnings : [];
  const problems = useMemo(() => mergeProblems(clientProblems, [...serverProblems, ...pushProblems, ...warnings]), [clientProblems, serverProblems, pushProblems, warnings]);
  const errorCount = problems.filter((p) => p.severity === "error").length;
  const placed = useMemo(() => (mode === "form" ? placeProblems(problems, formPaths(form)) : { atField: new Map<string, FieldProblem[]>(), unplaced: problems }), [mode, form, problems]);
  const change = dry.fresh && dry.data?.kind === "ok" ? dry.data.change : undefined;
  const canPush = ready && !conflict && !pushing && errorCount === 0 && change !== undefined && change.rules.length > 0;

  const toYaml = () => {
    setYamlText(currentYaml);
    setMode("yaml");
    setFormProblem(undefined);
  };
  const toForm = () => {
    const check = checkYaml(yamlText);
    if (check.docCount !== 1) return setFormProblem(check.docCount === 0 ? "fix the YAML first" : "the form shows one rule; this text holds several documents");
    const r = formFromIstio(form.kind, check.doc);
    if ("problem" in r) return setFormProblem(r.problem);
    setForm(r.form);
    setMode("form");
    setFormProblem(undefined);
  };

  const push = async () => {
    if (!canPush || !base || !change) return;
    setPushing(true);
    setPushError(undefined);
    setPushRejected(undefined);
    const expected = touchedTypes(change.resources);
    try {
      const res = await configClient().applyConfig({ yaml: currentYaml, expectedRevision: BigInt(base.revision), author: author.trim(), message: message.trim(), dryRun: false });
      const done = summarizeChange(res.result);
      const rev = done.revision ?? { revision: base.revision, timeMs: Date.now() };
      const mine = done.rules.find((r) => r.kind === form.kind) ?? done.rules[0];
      setPushed({ revision: rev.revision, timeMs: rev.timeMs, expected, what: done.rules.map((r) => `${r.change} ${ruleLabel(r)}`).join(", ") });
      setBase({ revision: rev.revision, yaml: mine?.afterYaml ?? currentYaml });
      setMessage("");
      if (mine && (!ref || !sameRule(ref, mine))) {
        const created: RuleRef = { kind: form.kind, namespace: mine.namespace, name: mine.name };
        setRef(created);
        onCreated?.(created);
      }
      await invalidateAfterWrite(qc);
    } catch (err) {
      const ce = ConnectError.from(err);
      const fieldProblems = problemsFromError(ce);
      if (ce.code === Code.Aborted) setConflict({ message: ce.rawMessage, expected: base.revision });
      else if (fieldProblems) setPushRejected({ yaml: currentYaml, problems: fieldProblems });
      else setPushError(`${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`);
    } finally {
      setPushing(false);
    }
  };

  /** After a conflict: rebase on the latest revision, keeping everything typed; shows what they changed. */
  const reloadKeepEdits = async () => {
    try {
      const rules = await qc.fetchQuery({ queryKey: ["config", "rules"], queryFn: fetchRules, staleTime: 0 });
      const latest = ref ? rules.rules.find((r) => sameRule(r.ref, ref)) : undefined;
      setTheirs({ from: conflict?.expected ?? base?.revision ?? 0, to: latest?.revision ?? rules.revision, before: base?.yaml ?? "", after: latest?.yaml ?? "" });
      setBase({ revision: rules.revision, yaml: latest?.yaml ?? "" });
      setConflict(undefined);
      setPushRejected(undefined);
      await invalidateAfterWrite(qc);
    } catch (err) {
      setPushError(ConnectError.from(err).rawMessage);
    }
  };

  const discardAndReload = () => void initialize();

  const remove = async (): Promise<boolean> => {
    if (!ref || !base) return false;
    setPushing(true);
    try {
      await configClient().deleteConfig({ ref, expectedRevision: BigInt(base.revision), author: author.trim(), message: message.trim() });
      await invalidateAfterWrite(qc);
      return true;
    } catch (err) {
      const ce = ConnectError.from(err);
      if (ce.code === Code.Aborted) setConflict({ message: ce.rawMessage, expected: base.revision });
      else setPushError(`${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`);
      return false;
    } finally {
      setPushing(false);
    }
  };

  return {
    load,
    ref,
    base,
    mode,
    form,
    setForm,
    yamlText,
    setYamlText,
    formProblem,
    toYaml,
    toForm,
    currentYaml,
    problems,
    errorCount,
    placed,
    dry,
    change,
    canPush,
    push,
    pushing,
    pushError,
    pushed,
    closePushed: () => setPushed(undefined),
    conflict,
    theirs,
    dismissTheirs: () => setTheirs(undefined),
    reloadKeepEdits,
    discardAndReload,
    remove,
    author,
    setAuthor,
    message,
    setMessage,
  };
}

export type RuleEditorState = ReturnType<typeof useRuleEditor>;
