// Reads a user's bootstrap file (Envoy's `static_resources` shape) as JSON or YAML.

import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type { Bootstrap } from "../../proxy-engine";

export async function loadBootstrapFile(path: string): Promise<Bootstrap> {
  const text = await readFile(path, "utf8");
  let doc: unknown;
  try {
    doc = path.endsWith(".json") ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object") throw new Error(`${path}: expected a bootstrap object with static_resources`);
  return doc as Bootstrap;
}
