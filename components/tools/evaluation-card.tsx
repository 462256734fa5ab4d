"use client";

import { useCallback, useEffect, useState } from "react";
import type { EvaluationList, EvaluationView } from "@/lib/evaluation/views";
import type { ToolVersionDetail } from "@/lib/tools/views";
import { evaluationsApi, isAbortError } from "../api-client";
import { Button } from "../ui/button";

/** How often a running evaluation's progress is read again. */
const POLL_MS = 1500;

const STATUS_TEXT: Record<EvaluationView["status"], string> = {
  queued: "Queued",
  running: "Running",
  completed: "Finished",
  cancelled: "Cancelled",
  budget_stopped: "Stopped at its budget",
  failed: "Failed",
};

const usd = (n: number) => `$${n.toFixed(n < 1 ? 3 : 2)}`;
const live = (e: EvaluationView | undefined) => e?.status === "queued" || e?.status === "running";

/**
 * "Would this version have made my past sessions better?": the newest evaluation's figures for a
 * tool version (candidate with it against baseline without it, on recorded turns), its progress while
 * it runs, and a button that starts one, with its estimate.
 */
export function EvaluationCard({ name, version }: { name: string; version: ToolVersionDetail }) {
  const [data, setData] = useState<EvaluationList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const result = await evaluationsApi.ofTool(name, version.sha256, signal);
        if (result.ok) setData(result.data);
        else setError(result.message);
      } catch (e) {
        if (!isAbortError(e)) throw e;
      }
    },
    [name, version.sha256],
  );

  const newest = data?.evaluations[0];
  const running = live(newest);
  useEffect(() => {
    const controller = new AbortController();
    if (data === null) void load(controller.signal);
    else if (running) {
      const timer = setTimeout(() => void load(controller.signal), POLL_MS);
      return () => {
        clearTimeout(timer);
        controller.abort();
      };
    }
    return () => controller.abort();
  }, [data, running, load]);

  async function start() {
    setBusy(true);
    setError(null);
    const result = await evaluationsApi.start(name, version.sha256);
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
          <p data-testid="evaluation-status" className="text-muted text-sm">
            {STATUS_TEXT[newest.status]} · {newest.done}/{newest.total} replays · {usd(newest.spentUsd)} of{" "}
            {usd(newest.budgetUsd)} · {newest.cases.length} cases × {newest.repeats} repeats with{" "}
            {newest.model}
          </p>
          {newest.figures ? (
            <p data-testid="evaluation-figures" className="font-mono text-fg">
              with {name}: {newest.figures}
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
          <p className="mt-2 text-faint text-sm">{preview.reason}</p>
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
