"use client";

import Link from "next/link";
import { useState } from "react";
import type { MaintenanceRun, MaintenanceStatus } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { formatAbsoluteTime, formatDuration, formatPercent, formatRelativeTime } from "../format";
import { Button } from "../ui/button";
import { useNow } from "../use-now";
import { StatusPill } from "./badges";
import { runOutcome } from "./battery-model";

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="flex flex-col" data-testid={testId}>
      <dt className="text-faint text-xs">{label}</dt>
      <dd className="text-fg tabular-nums">{children}</dd>
    </div>
  );
}

function Results({ run }: { run: MaintenanceRun }) {
  const r = run.results ?? {};
  const opportunities = r.opportunities ?? [];
  const created = opportunities.filter((o) => o.created).length;
  const proposals = r.proposals ?? [];
  const hypotheses = r.hypotheses ?? [];
  const acted = run.smallItemsActed ?? r.smallItemsActed ?? null;
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-2 sm:grid-cols-5">
      <Fact label="Small items acted on" testId="run-small-items">
        {acted ?? "—"}
      </Fact>
      <Fact label="Working memory" testId="run-working-memory">
        {r.workingMemoryVersion ? `v${r.workingMemoryVersion}` : "unchanged"}
      </Fact>
      <Fact label="Opportunities" testId="run-opportunities">
        {opportunities.length ? `${opportunities.length} (${created} new)` : "none"}
      </Fact>
      <Fact label="Tool proposals">{proposals.length || "none"}</Fact>
      <Fact label="Hypotheses">{hypotheses.length || "none"}</Fact>
    </dl>
  );
}

function Detail({ run }: { run: MaintenanceRun }) {
  const a = run.analysis ?? {};
  const r = run.results ?? {};
  const failing = (a.tools ?? []).filter((t) => t.failureRate > 0).slice(0, 6);
  return (
    <div className="grid grid-cols-1 gap-5 border-line border-t px-4 py-3 text-sm lg:grid-cols-2">
      <div className="flex flex-col gap-3">
        <h4 className="font-medium text-muted text-xs uppercase tracking-wide">What the pass changed</h4>
        {(r.opportunities ?? []).length ? (
          <ul className="flex flex-col gap-1">
            {(r.opportunities ?? []).map((o) => (
              <li key={o.id} className="flex items-center gap-2">
                <StatusPill status={o.status} />
                <a href={`#opportunity-${o.id}`} className="truncate text-fg hover:underline">
                  {o.title}
                </a>
                {o.created ? <span className="text-faint text-xs">new</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-faint">No opportunities touched.</p>
        )}
        {(r.proposals ?? []).length ? (
          <ul className="flex flex-col gap-1">
            {(r.proposals ?? []).map((p) => (
              <li key={`${p.name}@${p.version}`}>
                <Link
                  href={`/tools?name=${encodeURIComponent(p.name)}`}
                  className="font-mono text-accent-text hover:underline"
                >
                  {p.name} v{p.version}
                </Link>{" "}
                <span className="text-faint">{p.status}</span>
              </li>
            ))}
          </ul>
        ) : null}
        {(r.hypotheses ?? []).length ? (
          <ul className="flex list-disc flex-col gap-1 pl-4 text-muted">
            {(r.hypotheses ?? []).map((h, i) => {
              const evaluated = run.evaluations?.hypotheses.find((e) => e.id === h.id);
              return (
                <li key={h.id}>
                  <span className="text-faint">H{i + 1}</span>{" "}
                  <a href={`#hypothesis-${h.id}`} className="hover:underline">
                    {h.claim}
                  </a>
                  {evaluated?.figures ? (
                    <span className="block font-mono text-fg text-xs">{evaluated.figures}</span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : null}
        {run.evaluations ? (
          <p data-testid="run-evaluations" className="text-muted">
            Replayed on recorded turns — {run.evaluations.line}
          </p>
        ) : null}
      </div>
      <div className="flex flex-col gap-3">
        <h4 className="font-medium text-muted text-xs uppercase tracking-wide">
          Analysis (computed before the model ran)
        </h4>
        <ul className="flex flex-col gap-1 text-muted">
          <li>
            Window: last {plural(a.window?.sessions ?? 0, "session")}
            {a.window?.since ? `, since ${formatAbsoluteTime(a.window.since)}` : " (first pass)"}
          </li>
          <li>
            Top small item:{" "}
            {a.topSmallItem ? (
              <span className="text-fg">{a.topSmallItem.title}</span>
            ) : (
              <span className="text-faint">none open</span>
            )}
          </li>
          <li>
            {plural(a.repeatedCommands?.length ?? 0, "repeated command pattern")},{" "}
            {plural(a.unconvertedFrictions?.length ?? 0, "friction")} not converted,{" "}
            {plural(a.learningClusters?.length ?? 0, "learning theme")}
          </li>
          {a.unusedTools?.length ? <li>Unused tools: {a.unusedTools.join(", ")}</li> : null}
          {a.unusedSkills?.length ? <li>Unused skills: {a.unusedSkills.join(", ")}</li> : null}
        </ul>
        {a.repeatedCommands?.length ? (
          <ul className="flex flex-col gap-0.5 font-mono text-muted text-xs">
            {a.repeatedCommands.slice(0, 5).map((c) => (
              <li key={c.pattern} className="truncate">
                <span className="text-faint">×{c.count}</span> {c.pattern}
              </li>
            ))}
          </ul>
        ) : null}
        {failing.length ? (
          <ul className="flex flex-col gap-0.5 text-muted text-xs">
            {failing.map((t) => (
              <li key={t.tool}>
                <span className="font-mono">{t.tool}</span> failing {formatPercent(t.failureRate)}
                {t.previousFailureRate !== null ? ` (was ${formatPercent(t.previousFailureRate)})` : ""}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

/** The history of battery changes: what each pass found, what it changed, resume when it stopped early. */
export function MaintenanceHistory({
  runs,
  status,
  onResumed,
}: {
  runs: MaintenanceRun[] | null;
  status: MaintenanceStatus | null;
  onResumed(sessionId: string): void;
}) {
  const now = useNow();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function resume(run: MaintenanceRun) {
    setBusy(run.id);
    setError(null);
    const result = await learningApi.resumeMaintenance(run.id);
    setBusy(null);
    if (result.ok) onResumed(result.data.sessionId);
    else setError(`Could not resume: ${result.message}`);
  }

  if (runs === null) return <div aria-hidden="true" className="h-24 animate-pulse rounded-lg bg-panel/60" />;

  return (
    <div className="flex flex-col gap-2">
      {error ? (
        <p role="alert" className="text-red-300 text-sm">
          {error}
        </p>
      ) : null}
      {runs.length === 0 ? (
        <div
          data-testid="runs-empty"
          className="rounded-lg border border-line border-dashed bg-panel/60 px-5 py-6 text-muted"
        >
          No battery change yet. One is due every {status?.threshold ?? 10} completed sessions; start one any
          time with <span className="text-fg">Change batteries</span>.
        </div>
      ) : (
        <ol className="overflow-hidden rounded-lg border border-line bg-panel" data-testid="maintenance-runs">
          {runs.map((run, i) => {
            const number = runs.length - i;
            const stalled =
              run.status === "running" && status?.lastRun?.id === run.id && status.running === false;
            const resumable = run.status === "failed" || run.status === "cancelled" || stalled;
            const took = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
            const outcome = runOutcome(run);
            return (
              <li
                key={run.id}
                data-testid="maintenance-run"
                data-status={run.status}
                className="border-line border-b last:border-b-0"
              >
                <div className="flex flex-wrap items-center gap-3 px-4 pt-3">
                  <span className="font-medium text-fg">Battery change #{number}</span>
                  <StatusPill
                    status={stalled ? "stalled" : run.status}
                    tone={outcome.tone ?? undefined}
                    data-tone={outcome.tone ?? undefined}
                    data-testid="run-status"
                  />
                  <time
                    dateTime={run.startedAt}
                    title={formatAbsoluteTime(run.startedAt)}
                    className="text-faint text-sm"
                  >
                    {formatRelativeTime(run.startedAt, now)}
                    {took !== null ? ` · took ${formatDuration(took)}` : ""}
                  </time>
                  <span className="ml-auto flex items-center gap-2">
                    {resumable ? (
                      <Button
                        size="sm"
                        variant="secondary"
                        data-testid="run-resume"
                        disabled={busy === run.id}
                        onClick={() => void resume(run)}
                        title="Continue in the same session; finished steps are kept"
                      >
                        {busy === run.id ? "Resuming…" : "Resume"}
                      </Button>
                    ) : null}
                    {run.sessionId ? (
                      <Link
                        href={`/sessions/${encodeURIComponent(run.sessionId)}`}
                        className="text-accent-text text-sm underline-offset-2 hover:underline"
                      >
                        {run.status === "running" ? "Watch" : "Transcript"} →
                      </Link>
                    ) : null}
                  </span>
                </div>
                <div className="flex flex-col gap-2 px-4 pt-2.5 pb-3">
                  {outcome.warning ? (
                    <p data-testid="run-warning" className="text-amber-300 text-sm">
                      {outcome.warning}
                    </p>
                  ) : null}
                  <Results run={run} />
                </div>
                <details className="group">
                  <summary className="flex cursor-pointer list-none items-center gap-1.5 border-line border-t px-4 py-1.5 text-faint text-xs hover:text-fg [&::-webkit-details-marker]:hidden">
                    <svg
                      aria-hidden="true"
                      viewBox="0 0 16 16"
                      width="12"
                      height="12"
                      className="transition-transform group-open:rotate-90"
                      fill="none"
                      stroke="currentColor"
                      strokeWidth="1.6"
                    >
                      <path d="M6 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
                    </svg>
                    Analysis and changes
                  </summary>
                  <Detail run={run} />
                </details>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
