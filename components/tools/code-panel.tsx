"use client";

import dynamic from "next/dynamic";
import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { cn } from "../ui/cn";
import type { DiffStats } from "./code-view";

function CodeSkeleton() {
  return (
    <div aria-hidden="true" className="space-y-2 px-4 py-3">
      {[64, 48, 72, 40, 56, 30].map((w, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed decorative list
        <span key={i} className="block h-3 rounded bg-panel-2" style={{ width: `${w}%` }} />
      ))}
    </div>
  );
}

// CodeMirror is loaded only here, when a detail view is open.
const SourceView = dynamic(() => import("./code-view").then((m) => m.SourceView), {
  ssr: false,
  loading: CodeSkeleton,
});
const DiffView = dynamic(() => import("./code-view").then((m) => m.DiffView), {
  ssr: false,
  loading: CodeSkeleton,
});

export type CodeTab = "source" | "diff";

export interface CodePanelProps {
  name: string;
  version: number;
  source: string;
  parent: { version: number | null; source: string } | null;
  tab: CodeTab;
  onTabChange(tab: CodeTab): void;
  flaggedLines: Record<number, string>;
  focus: { line: number; nonce: number } | null;
}

export function CodePanel({
  name,
  version,
  source,
  parent,
  tab,
  onTabChange,
  flaggedLines,
  focus,
}: CodePanelProps) {
  const [stats, setStats] = useState<DiffStats | null>(null);
  const [collapse, setCollapse] = useState(true);
  const tabRefs = useRef<Record<CodeTab, HTMLButtonElement | null>>({ source: null, diff: null });
  const active: CodeTab = parent ? tab : "source";
  const lines = source.split("\n").length;

  const parentSource = parent?.source ?? null;
  useEffect(() => {
    setStats(null);
    if (parentSource === null) return;
    let live = true;
    void import("./code-view").then((m) => {
      if (live) setStats(m.diffStats(parentSource, source));
    });
    return () => {
      live = false;
    };
  }, [parentSource, source]);

  const tabs: Array<{ id: CodeTab; label: string }> = [
    { id: "source", label: "Source" },
    ...(parent ? [{ id: "diff" as const, label: `Changes since v${parent.version ?? "?"}` }] : []),
  ];

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const index = tabs.findIndex((t) => t.id === active);
    const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    onTabChange(next.id);
    tabRefs.current[next.id]?.focus();
  }

  const panelId = `code-panel-${active}`;
  return (
    <section aria-label="Code" className="overflow-hidden rounded-lg border border-line bg-panel">
      <div className="flex h-10 items-center gap-3 border-line border-b px-2">
        <div role="tablist" aria-label="Code views" className="flex items-center gap-1" onKeyDown={onKeyDown}>
          {tabs.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                tabRefs.current[t.id] = el;
              }}
              type="button"
              role="tab"
              id={`code-tab-${t.id}`}
              data-testid={`code-tab-${t.id}`}
              aria-selected={active === t.id}
              aria-controls={`code-panel-${t.id}`}
              tabIndex={active === t.id ? 0 : -1}
              onClick={() => onTabChange(t.id)}
              className={cn(
                "inline-flex h-7 items-center gap-2 rounded-md px-2.5 font-medium text-sm transition-colors",
                active === t.id ? "bg-hover text-fg" : "text-muted hover:bg-hover/60 hover:text-fg",
              )}
            >
              {t.label}
              {t.id === "diff" && stats ? (
                <span className="font-mono text-[11px] tabular-nums">
                  <span className="text-emerald-300">+{stats.added}</span>{" "}
                  <span className="text-red-300">−{stats.removed}</span>
                </span>
              ) : null}
            </button>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-3 pr-2 text-faint text-xs">
          {active === "diff" ? (
            <label className="inline-flex cursor-pointer items-center gap-1.5 text-muted">
              <input
                type="checkbox"
                data-testid="diff-show-all"
                className="size-3.5 accent-accent"
                checked={!collapse}
                onChange={(e) => setCollapse(!e.target.checked)}
              />
              Show unchanged lines
            </label>
          ) : (
            <span className="tabular-nums">
              {lines} {lines === 1 ? "line" : "lines"}
            </span>
          )}
        </div>
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={`code-tab-${active}`}>
        {active === "diff" && parent ? (
          <div data-testid="tool-diff">
            <DiffView
              original={parent.source}
              modified={source}
              label={`Changes in ${name} v${version} since v${parent.version ?? "?"}`}
              collapse={collapse}
            />
          </div>
        ) : (
          <div data-testid="tool-source">
            <SourceView
              source={source}
              label={`Source of ${name} v${version}`}
              flaggedLines={flaggedLines}
              focus={focus}
            />
          </div>
        )}
      </div>
    </section>
  );
}
