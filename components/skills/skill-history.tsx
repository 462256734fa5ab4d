"use client";

import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import type { SkillVersionContent, SkillVersionSummary } from "@/lib/skills/views";
import { isAbortError, skillsApi } from "../api-client";
import { EvaluationCard } from "../evaluation/evaluation-card";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { ConfirmDialog } from "./dialogs";
import { ReadOnlySkill, VersionDiff } from "./lazy";

const ORIGIN_LABEL: Record<string, string> = {
  user: "saved here",
  agent: "by the agent",
  import: "imported (flat file)",
  disk: "found on disk",
};

export interface SkillHistoryProps {
  name: string;
  versions: SkillVersionSummary[];
  /** The saved file now, to diff against; null for a deleted skill. */
  current: { content: string; sha256: string } | null;
  /** Unsaved edits are discarded by a restore: say so. */
  dirty: boolean;
  now: number;
  onRestored(message: string): void;
}

/** Every saved state of the skill: pick one to see what changed since, and restore it. */
export function SkillHistory({ name, versions, current, dirty, now, onRestored }: SkillHistoryProps) {
  const latestDifferent = versions.find((v) => v.sha256 !== current?.sha256) ?? versions[0];
  const [selected, setSelected] = useState<number | null>(latestDifferent?.version ?? null);
  const [loaded, setLoaded] = useState<SkillVersionContent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (selected === null) return;
    const controller = new AbortController();
    setError(null);
    skillsApi
      .version(name, selected, controller.signal)
      .then((result) => {
        if (result.ok) setLoaded(result.data);
        else setError(result.message);
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(String(e));
      });
    return () => controller.abort();
  }, [name, selected]);

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const index = versions.findIndex((v) => v.version === selected);
    const next =
      versions[Math.min(Math.max(index + (event.key === "ArrowDown" ? 1 : -1), 0), versions.length - 1)];
    if (!next) return;
    setSelected(next.version);
    listRef.current?.querySelector<HTMLElement>(`[data-version="${next.version}"]`)?.focus();
  }

  const shown = loaded && loaded.version === selected ? loaded : null;
  const same = shown !== null && current !== null && shown.sha256 === current.sha256;

  return (
    <section
      aria-label={`History of ${name}`}
      data-testid="skill-history"
      className="grid min-h-0 grid-cols-1 overflow-hidden rounded-lg border border-line bg-panel md:grid-cols-[15rem_minmax(0,1fr)]"
    >
      <div className="border-line border-b md:border-r md:border-b-0">
        <p className="px-3 pt-3 pb-1.5 font-medium text-faint text-xs uppercase tracking-wide">
          {versions.length} {versions.length === 1 ? "version" : "versions"}
        </p>
        <ul
          ref={listRef}
          aria-label="Versions"
          onKeyDown={onKeyDown}
          className="max-h-[28rem] space-y-0.5 overflow-y-auto px-1.5 pb-2"
        >
          {versions.map((v) => (
            <li key={v.version}>
              <button
                type="button"
                aria-current={v.version === selected ? "true" : undefined}
                data-version={v.version}
                data-testid={`skill-version-${v.version}`}
                onClick={() => setSelected(v.version)}
                className={cn(
                  "flex w-full flex-col gap-0.5 rounded-md px-2.5 py-1.5 text-left transition-colors",
                  v.version === selected ? "bg-hover" : "hover:bg-hover/60",
                )}
              >
                <span className="flex w-full items-center gap-2">
                  <span className="font-medium font-mono text-fg text-sm">v{v.version}</span>
                  {current && v.sha256 === current.sha256 ? (
                    <span className="rounded-full bg-emerald-400/10 px-1.5 text-[10px] text-emerald-300">
                      current
                    </span>
                  ) : null}
                  <time
                    dateTime={v.createdAt}
                    title={formatAbsoluteTime(v.createdAt)}
                    className="ml-auto text-faint text-xs"
                  >
                    {formatRelativeTime(v.createdAt, now)}
                  </time>
                </span>
                <span className="w-full truncate text-faint text-xs">
                  {v.message ?? ORIGIN_LABEL[v.origin] ?? v.origin}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="flex min-w-0 flex-col">
        <div className="flex min-h-11 flex-wrap items-center gap-3 border-line border-b px-3 py-2">
          <p className="min-w-0 flex-1 text-muted text-sm" data-testid="skill-history-caption">
            {selected === null
              ? "Select a version."
              : current === null
                ? `v${selected} as it was saved.`
                : same
                  ? `v${selected} is the same as the saved file.`
                  : `Changes from v${selected} to the saved file: red was in v${selected}, green is in the file now.`}
          </p>
          <Button
            size="sm"
            variant="primary"
            data-testid="skill-restore-button"
            disabled={selected === null || same || !shown}
            onClick={() => setConfirming(true)}
          >
            Restore v{selected}
          </Button>
        </div>
        {error ? (
          <p role="alert" className="px-3 py-3 text-red-300 text-sm">
            Could not load v{selected}: {error}
          </p>
        ) : shown ? (
          <div data-testid="skill-version-diff" className="max-h-[28rem] overflow-auto">
            {current === null || same ? (
              <ReadOnlySkill value={shown.content} label={`${name} v${shown.version}`} />
            ) : (
              <VersionDiff
                original={shown.content}
                modified={current.content}
                label={`Changes in ${name} from v${shown.version} to the saved file`}
              />
            )}
          </div>
        ) : (
          <div aria-hidden="true" className="h-40 animate-pulse bg-panel-2/30" />
        )}
        {selected !== null ? (
          <div className="border-line border-t p-3">
            <EvaluationCard
              key={selected}
              subject={{ kind: "skill", name, version: selected }}
              label={`with ${name} v${selected}`}
            />
          </div>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirming}
        testId="skill-restore"
        title={`Restore ${name} v${selected}?`}
        confirmLabel={`Restore v${selected}`}
        busyLabel="Restoring…"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          if (selected === null) return null;
          const result = await skillsApi.restore(name, selected, current?.sha256);
          if (!result.ok) return result.message;
          setConfirming(false);
          onRestored(
            `Restored v${selected} as v${result.data.version}. The agent uses it from its next turn.`,
          );
          return null;
        }}
      >
        <p>
          {current
            ? `Its text becomes the skill file again, saved as a new version; the current file stays in the history.`
            : `The skill comes back with this version's text.`}
        </p>
        {dirty ? <p className="text-amber-200">Your unsaved edits in the editor will be discarded.</p> : null}
      </ConfirmDialog>
    </section>
  );
}
