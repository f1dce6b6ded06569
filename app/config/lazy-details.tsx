// A <details> that renders its body only once opened (the xDS preview can hold hundreds of diffs).
"use client";

import { useState, type ReactNode } from "react";

export function LazyDetails({ summary, children, className, testId, defaultOpen = false }: { summary: ReactNode; children: () => ReactNode; className?: string; testId?: string; defaultOpen?: boolean }) {
  const [opened, setOpened] = useState(defaultOpen);
  return (
    <details className={className} data-testid={testId} open={defaultOpen} onToggle={(e) => e.currentTarget.open && setOpened(true)}>
      <summary>{summary}</summary>
      {opened && children()}
    </details>
  );
}
