// The RPCs that change the mesh: config writes and registry registration. The access token and the Origin
// check guard them.
export const MUTATING_METHODS: ReadonlySet<string> = new Set(["ApplyConfig", "DeleteConfig", "Rollback", "RegisterServices"]);
