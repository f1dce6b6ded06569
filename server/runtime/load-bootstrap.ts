// Reads a user's Envoy bootstrap file (`static_resources`, JSON or YAML) into a Bootstrap message.

import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { bootstrapFromJson, ConfigError, type Bootstrap } from "../../proxy-engine";

export async function loadBootstrapFile(path: string): Promise<Bootstrap> {
  const text = await readFile(path, "utf8");
  const isJson = path.endsWith(".json");
  let doc: unknown;
  try {
    doc = isJson ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid ${isJson ? "JSON" : "YAML"}: ${(e as Error).message}`);
  }
  try {
    return bootstrapFromJson(doc);
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`${path}: ${e.message}`);
    throw e;
  }
}
