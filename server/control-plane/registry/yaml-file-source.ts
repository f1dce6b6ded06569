// Registry source that reads ServiceEntry YAML from a file or every *.yaml/*.yml in a folder and
// re-reads it when it changes. A broken edit is reported and the last good content keeps serving.

import { watch, type FSWatcher } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseServiceEntries, type RegistryIssue } from "./service-entries";
import type { MutableServiceRegistry } from "./service-registry";

export interface YamlFileSource {
  /** Re-reads now; resolves with the issues found (empty when applied). */
  reload(): Promise<RegistryIssue[]>;
  lastIssues(): RegistryIssue[];
  close(): void;
}

export async function startYamlFileSource(registry: MutableServiceRegistry, target: string, onIssues?: (issues: RegistryIssue[]) => void): Promise<YamlFileSource> {
  let issues: RegistryIssue[] = [];
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RegistryIssue[]> | undefined;

  async function files(): Promise<string[]> {
    if (!(await stat(target)).isDirectory()) return [target];
    return (await readdir(target)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(target, f));
  }

  async function load(): Promise<RegistryIssue[]> {
    const found: RegistryIssue[] = [];
    const services = [];
    const instances = [];
    try {
      for (const f of await files()) {
        const r = parseServiceEntries(await readFile(f, "utf8"), path.basename(f));
        found.push(...r.issues);
        services.push(...r.content.services);
        instances.push(...r.content.instances);
      }
    } catch (e) {
      found.push({ path: target, message: (e as Error).message });
    }
    issues = found;
    if (found.length === 0) registry.setSource(`file:${target}`, { services, instances });
    onIssues?.(found);
    return found;
  }

  const reload = () => (running = (running ?? Promise.resolve([])).then(load, load));
  await reload();
  try {
    watcher = watch(target, () => {
      // Editors write in several steps; coalesce a burst of events into one read.
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 50);
    });
  } catch {
    // The path may not exist yet; reload() reported it.
  }
  return {
    reload,
    lastIssues: () => issues,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
