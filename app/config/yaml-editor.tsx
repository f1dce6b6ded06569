// The YAML view of a rule: a plain textarea with a line-number gutter that scrolls with it and marks the
// lines that have problems.
"use client";

import { useRef } from "react";

export interface YamlEditorProps {
  value: string;
  onChange(v: string): void;
  /** 1-based line → "error" | "warning". */
  marks: ReadonlyMap<number, "error" | "warning">;
  readOnly?: boolean;
}

export function YamlEditor({ value, onChange, marks, readOnly }: YamlEditorProps) {
  const gutter = useRef<HTMLDivElement>(null);
  const count = Math.max(1, value.split("\n").length);
  return (
    <div className="cfg-yaml" data-testid="yaml-editor">
      <div ref={gutter} className="cfg-yaml-gutter" aria-hidden>
        {Array.from({ length: count }, (_, i) => (
          <div key={i} className={marks.get(i + 1) ? `cfg-yaml-mark-${marks.get(i + 1)}` : undefined}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        className="cfg-yaml-text"
        aria-label="Rule YAML"
        spellCheck={false}
        wrap="off"
        readOnly={readOnly}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        onKeyDown={(e) => {
          // Tab indents with two spaces instead of leaving the field.
          if (e.key !== "Tab" || e.shiftKey || readOnly) return;
          e.preventDefault();
          const t = e.currentTarget;
          const { selectionStart: s, selectionEnd: end } = t;
          onChange(`${value.slice(0, s)}  ${value.slice(end)}`);
          requestAnimationFrame(() => t.setSelectionRange(s + 2, s + 2));
        }}
      />
    </div>
  );
}
