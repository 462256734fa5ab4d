"use client";

import { useState } from "react";
import type { WorkingMemoryVersion } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { EvaluationCard } from "../evaluation/evaluation-card";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { Textarea } from "../ui/input";
import { useNow } from "../use-now";

/** The same rules the server applies (lib/learning/working-memory.ts); shown live, enforced there. */
const SECTIONS = ["Preferences", "Pitfalls", "Recurring patterns", "Insights", "Tool notes"] as const;
const MAX_LINES = 150;

const TEMPLATE = `${SECTIONS.map((s) => `## ${s}\n- `).join("\n\n")}\n`;

function checks(content: string) {
  const lines = content.trim().split("\n");
  const present = new Set(
    lines
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l.startsWith("## "))
      .map((l) => l.slice(3)),
  );
  return {
    lines: content.trim() ? lines.length : 0,
    sections: SECTIONS.map((s) => ({ name: s, ok: present.has(s.toLowerCase()) })),
  };
}

function sourceLabel(source: string): string {
  return source === "maintenance" ? "battery change" : source === "user" ? "edited by hand" : source;
}

/** Renders the memory's markdown lightly: headings stand out, the rest stays as written. */
function MemoryText({ content }: { content: string }) {
  return (
    <div data-testid="working-memory-content" className="font-mono text-[12px] text-muted leading-5">
      {content.split("\n").map((line, i) =>
        line.startsWith("## ") ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, in order
          <p key={i} className="mt-3 font-sans font-semibold text-fg text-sm first:mt-0">
            {line.slice(3)}
          </p>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, in order
          <p key={i} className={cn("whitespace-pre-wrap break-words", line.trim() ? "" : "h-1")}>
            {line}
          </p>
        ),
      )}
    </div>
  );
}

/**
 * The working memory every session's prompt carries: the current version, its history, and an
 * editor that saves a new version (the server refuses a draft that breaks the rules, with the rule).
 */
export function WorkingMemoryPanel({
  current,
  versions,
  onSaved,
}: {
  current: WorkingMemoryVersion | null;
  versions: WorkingMemoryVersion[] | null;
  onSaved(): void;
}) {
  const now = useNow();
  const [viewing, setViewing] = useState<number | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);

  if (versions === null)
    return <div aria-hidden="true" className="h-48 animate-pulse rounded-lg bg-panel/60" />;

  const shown = versions.find((v) => v.version === viewing) ?? current;
  const editing = draft !== null;
  const check = draft !== null ? checks(draft) : null;

  async function save() {
    if (draft === null) return;
    setSaving(true);
    setError(null);
    const result = await learningApi.saveWorkingMemory(draft);
    setSaving(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setDraft(null);
    setViewing(null);
    setSaved(result.data.version);
    onSaved();
  }

  return (
    <div className="grid grid-cols-1 gap-3 lg:grid-cols-[minmax(0,1fr)_15rem]">
      <div className="flex min-w-0 flex-col overflow-hidden rounded-lg border border-line bg-panel">
        <div className="flex h-10 items-center gap-2 border-line border-b px-4">
          {editing ? (
            <span className="font-medium text-fg text-sm">New version</span>
          ) : shown ? (
            <>
              <span className="font-medium text-fg text-sm" data-testid="working-memory-version">
                v{shown.version}
              </span>
              <span className="text-faint text-sm">
                {sourceLabel(shown.source)} · {formatRelativeTime(shown.createdAt, now)}
              </span>
              {shown.version !== current?.version ? (
                <span className="rounded border border-amber-400/25 px-1.5 text-amber-300 text-xs">
                  older version
                </span>
              ) : (
                <span className="rounded border border-emerald-400/20 px-1.5 text-emerald-300 text-xs">
                  in every prompt
                </span>
              )}
            </>
          ) : (
            <span className="text-muted text-sm">No working memory yet</span>
          )}
          <span className="ml-auto flex items-center gap-2">
            {editing ? (
              <>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    setDraft(null);
                    setError(null);
                  }}
                >
                  Cancel
                </Button>
                <Button
                  size="sm"
                  variant="primary"
                  data-testid="working-memory-save"
                  disabled={saving}
                  onClick={() => void save()}
                >
                  {saving ? "Saving…" : "Save new version"}
                </Button>
              </>
            ) : (
              <Button
                size="sm"
                variant="secondary"
                data-testid="working-memory-edit"
                onClick={() => {
                  setDraft(shown?.content ?? TEMPLATE);
                  setError(null);
                  setSaved(null);
                }}
              >
                {shown && shown.version !== current?.version ? "Edit from this version" : "Edit"}
              </Button>
            )}
          </span>
        </div>
        {editing ? (
          <div className="flex flex-col gap-2 p-3">
            <label htmlFor="working-memory-editor" className="sr-only">
              Working memory
            </label>
            <Textarea
              id="working-memory-editor"
              data-testid="working-memory-editor"
              autoFocus
              spellCheck={false}
              rows={18}
              className="font-mono text-[12px]"
              value={draft}
              onChange={(e) => {
                setDraft(e.target.value);
                setError(null);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
                  e.preventDefault();
                  void save();
                }
              }}
            />
            {check ? (
              <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
                <span className={cn("tabular-nums", check.lines > MAX_LINES ? "text-red-300" : "text-faint")}>
                  {check.lines} / {MAX_LINES} lines
                </span>
                {check.sections.map((s) => (
                  <span key={s.name} className={s.ok ? "text-emerald-300/90" : "text-amber-300"}>
                    {s.ok ? "✓" : "✗"} {s.name}
                  </span>
                ))}
                <span className="ml-auto text-faint">
                  Sections are “## Heading” lines. ⌘/Ctrl+Enter saves.
                </span>
              </p>
            ) : null}
            {error ? (
              <Callout tone="error" role="alert" data-testid="working-memory-error">
                {error}
              </Callout>
            ) : null}
          </div>
        ) : shown ? (
          <div className="max-h-[28rem] overflow-y-auto px-4 py-3">
            {saved === shown.version ? (
              <p role="status" className="mb-2 text-emerald-300 text-sm">
                Saved v{saved}: the next turn of every session uses it.
              </p>
            ) : null}
            <MemoryText content={shown.content} />
            <div className="mt-3">
              <EvaluationCard
                key={shown.version}
                subject={{ kind: "memory", version: shown.version }}
                label={`with working memory v${shown.version}`}
              />
            </div>
          </div>
        ) : (
          <p className="px-4 py-6 text-muted">
            Working memory is what every session starts knowing: preferences, pitfalls, recurring patterns,
            insights and tool notes, at most {MAX_LINES} lines. A battery change writes it; you can write or
            edit it here.
          </p>
        )}
      </div>

      <nav
        aria-label="Working memory versions"
        className="overflow-hidden rounded-lg border border-line bg-panel"
      >
        <h3 className="flex h-10 items-center border-line border-b px-3 font-medium text-muted text-xs uppercase tracking-wide">
          Versions
        </h3>
        {versions.length === 0 ? (
          <p className="px-3 py-4 text-faint text-sm">None yet.</p>
        ) : (
          <ol className="max-h-[28rem] overflow-y-auto py-1" data-testid="working-memory-versions">
            {versions.map((v) => {
              const active = (shown?.version ?? null) === v.version && !editing;
              return (
                <li key={v.version}>
                  <button
                    type="button"
                    aria-current={active ? "true" : undefined}
                    onClick={() => {
                      setViewing(v.version === current?.version ? null : v.version);
                      setDraft(null);
                    }}
                    className={cn(
                      "flex w-full items-baseline gap-2 px-3 py-1.5 text-left text-sm transition-colors",
                      active ? "bg-hover text-fg" : "text-muted hover:bg-hover/60 hover:text-fg",
                    )}
                  >
                    <span className="font-medium tabular-nums">v{v.version}</span>
                    <span className="truncate text-faint text-xs">{sourceLabel(v.source)}</span>
                    <time
                      dateTime={v.createdAt}
                      title={formatAbsoluteTime(v.createdAt)}
                      className="ml-auto shrink-0 text-faint text-xs"
                    >
                      {formatRelativeTime(v.createdAt, now)}
                    </time>
                  </button>
                </li>
              );
            })}
          </ol>
        )}
      </nav>
    </div>
  );
}
