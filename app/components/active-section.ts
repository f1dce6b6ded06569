// Which sidebar section a URL belongs to: by path prefix, except that the rule editor (/config/edit) belongs
// to Policy when the rule it edits is a policy kind (CheckRule, Quota), since Policy is where those live.

import { isPolicyKind } from "../config/rule-ref";

export function activeSection(pathname: string, kind: string | null, sections: readonly string[]): string | undefined {
  if (pathname.startsWith("/config/edit") && isPolicyKind(kind) && sections.includes("/policy")) return "/policy";
  return sections.find((href) => pathname === href || pathname.startsWith(`${href}/`));
}
