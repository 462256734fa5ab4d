"use client";

import { useCallback, useEffect, useState } from "react";
import type { EvaluationList, EvaluationProgress, Subject } from "@/lib/evaluation/views";
import { evaluationsApi, isAbortError, workspacesApi } from "../api-client";
import { Button } from "../ui/button";
import { live, progressLine, STATUS_TEXT, usd } from "./progress-line";

/** How soon the list is read again when the progress stream is lost. */
const RETRY_MS = 1500;

/** Follows a live evaluation's progress stream; calls `onEnd` when it finishes or the stream is lost. */
function useProgress(id: string | null, onEnd: () => void): EvaluationProgress | null {
  const [progress, setProgress] = useState<EvaluationProgress | null>(null);
  // bumped when the stream is lost, so it is opened again if the evaluation still runs
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setProgress(null);
    if (!id || attempt < 0) return;
    const source = new EventSource(evaluationsApi.progressUrl(id));
    let timer: ReturnType<typeof setTimeout> | null = null;
    source.onmessage = (message: MessageEvent<string>) => {
      const p = JSON.parse(message.data) as EvaluationProgress;
      setProgress(p);
      if (!live(p.status)) {
        // the server ends the stream; without this the browser would open it again
        source.close();
        onEnd();
      }
    };
    source.onerror = () => {
      source.close();
      timer = setTimeout(() => {
        onEnd();
        setAttempt((a) => a + 1);
      }, RETRY_MS);
    };
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [id, onEnd, attempt]);
  return progress;
}

/** For a change without a workspace of its own: the recent workspaces to replay from. */
function WorkspacePicker({ onPick }: { onPick(workspace: string): void }) {
  const [recent, setRecent] = useState<string[] | null>(null);
  useEffect(() => {
    void workspacesApi.folders().then((r) => setRecent(r.ok ? r.data.recent : []));
  }, []);
  if (!recent?.length) return null;
  return (
    <label className="mt-2 flex flex-wrap items-center gap-2 text-muted text-sm">
      Replay turns of
      <select
        data-testid="evaluation-workspace"
        defaultValue=""
        onChange={(e) => e.target.value && onPick(e.target.value)}
        className="min-w-0 max-w-full rounded-md border border-line bg-canvas px-2 py-1 font-mono text-fg text-xs"
      >
        <option value="">choose a workspace…</option>
        {recent.map((w) => (
          <option key={w} value={w}>
            {w}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * "Would this change have made my past sessions better?": the newest evaluation's figures for a
 * subject (a tool, skill or working-memory version, or a hypothesis's change; the candidate with it
 * against the baseline without it, on recorded turns), its progress live while it runs, with
 * cancel, and a button that starts one with its estimate.
 */
export function EvaluationCard({ subject, label }: { subject: Subject; label: string }) {
  const [data, setData] = useState<EvaluationList | null>(null);
  const [workspace, setWorkspace] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify(subject);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const result = await evaluationsApi.of(JSON.parse(key) as Subject, workspace, signal);
        if (result.ok) setData(result.data);
        else setError(result.message);
      } catch (e) {
        if (!isAbortError(e)) throw e;
      }
    },
    [key, workspace],
  );

  useEffect(() => {
    const controller = new AbortController();
    setData(null);
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const newest = data?.evaluations[0];
  const reload = useCallback(() => void load(), [load]);
  const progress = useProgress(newest && live(newest.status) ? newest.id : null, reload);
  const running = live(progress?.status ?? newest?.status);

  async function start() {
    setBusy(true);
    setError(null);
    const result = await evaluationsApi.start(subject, workspace);
    setBusy(false);
    if (!result.ok) setError(result.message);
    await load();
  }

  async function cancel(id: string) {
    setBusy(true);
    const result = await evaluationsApi.cancel(id);
    setBusy(false);
    if (!result.ok) setError(result.message);
    await load();
  }

  const preview = data?.preview;
  return (
    <section data-testid="evaluation-card" className="rounded-lg border border-line bg-panel p-4">
      <h3 className="mb-2 font-medium text-faint text-xs uppercase tracking-wide">
        Evaluation on recorded turns
      </h3>
      {newest ? (
        <div className="space-y-1">
          <p data-testid="evaluation-status" className="text-muted text-sm" aria-live="polite">
            {progress && running
              ? progressLine(progress)
              : `${STATUS_TEXT[newest.status]} · ${newest.done}/${newest.total} replays · ${usd(newest.spentUsd)} of ${usd(newest.budgetUsd)}`}{" "}
            · {newest.cases.length} cases × {newest.repeats} repeats with {newest.model}
          </p>
          {running ? (
            <progress
              data-testid="evaluation-progress"
              className="h-1.5 w-full accent-accent"
              max={newest.total}
              value={progress?.done ?? newest.done}
            />
          ) : null}
          {newest.figures ? (
            <p data-testid="evaluation-figures" className="font-mono text-fg">
              {label}: {newest.figures}
            </p>
          ) : null}
          {newest.error ? <p className="text-red-300 text-sm">{newest.error}</p> : null}
          {running ? (
            <Button size="sm" variant="ghost" disabled={busy} onClick={() => void cancel(newest.id)}>
              Cancel evaluation
            </Button>
          ) : null}
        </div>
      ) : data ? (
        <p className="text-muted text-sm">Not evaluated yet.</p>
      ) : null}
      {preview && !running ? (
        preview.available ? (
          <div className="mt-3 flex flex-wrap items-center gap-3">
            <Button data-testid="evaluation-start" size="sm" disabled={busy} onClick={() => void start()}>
              Evaluate on {preview.cases} recorded {preview.cases === 1 ? "turn" : "turns"}
            </Button>
            <span data-testid="evaluation-estimate" className="text-faint text-sm">
              {preview.estimate.runs} replays, about {preview.estimate.tokens.toLocaleString("en")} tokens,{" "}
              est. {usd(preview.estimate.costUsd)} (cap {usd(preview.budgetUsd)})
            </span>
          </div>
        ) : (
          <>
            <p data-testid="evaluation-unavailable" className="mt-2 text-faint text-sm">
              {preview.reason}
            </p>
            {preview.needsWorkspace ? <WorkspacePicker onPick={setWorkspace} /> : null}
          </>
        )
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 text-red-300 text-sm">
          {error}
        </p>
      ) : null}
    </section>
  );
}
