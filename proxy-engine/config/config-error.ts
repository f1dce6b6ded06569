// ConfigError: a rejected config, with the field path that is wrong (e.g. `static_resources.clusters[1].name`).

export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Runs `fn`, turning a thrown ConfigError into issues, so compilation reports every problem at once. */
export function collectIssues<T>(issues: ConfigIssue[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    issues.push(...e.issues);
    return undefined;
  }
}
