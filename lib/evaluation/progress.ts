import { EventEmitter } from "node:events";
import { processState } from "@/lib/process-state";
import type { Arm } from "./summary";

export type EvaluationStatus = "queued" | "running" | "completed" | "cancelled" | "budget_stopped" | "failed";

/** Where an evaluation is: what `GET /api/evaluations/:id/progress` streams, one frame per change. */
export interface EvaluationProgress {
  id: string;
  status: EvaluationStatus;
  /** Replays finished, of `total` planned. */
  done: number;
  total: number;
  spentUsd: number;
  budgetUsd: number;
  /** The replay running now (1-based case and repeat), null between replays and once it ends. */
  current: { case: number; cases: number; arm: Arm; repeat: number; repeats: number } | null;
}

export const FINISHED: ReadonlySet<EvaluationStatus> = new Set([
  "completed",
  "cancelled",
  "budget_stopped",
  "failed",
]);

const emitter = processState("evaluation.progress", () => {
  const bus = new EventEmitter();
  // any number of views may watch one evaluation
  bus.setMaxListeners(0);
  return bus;
});

/** The newest progress of each evaluation this process is running or has queued. */
const latest = processState("evaluation.progressNow", () => new Map<string, EvaluationProgress>());

export function reportProgress(progress: EvaluationProgress): void {
  if (FINISHED.has(progress.status)) latest().delete(progress.id);
  else latest().set(progress.id, progress);
  emitter().emit(progress.id, progress);
}

/** What this process knows of a live evaluation (null: not queued or running here). */
export function progressNow(id: string): EvaluationProgress | null {
  return latest().get(id) ?? null;
}

export function onProgress(id: string, listener: (progress: EvaluationProgress) => void): () => void {
  emitter().on(id, listener);
  return () => emitter().off(id, listener);
}

const HEARTBEAT_MS = 15_000;
/**
 * How often the stream reads where the evaluation is again, in case it runs on another instance
 * (whose reports never reach this one) or a report was missed: the stored row moves on per replay.
 */
const REREAD_MS = 5_000;

/**
 * An evaluation's progress as server-sent events: where it is now (`initial`, read after the
 * listener is attached, so nothing falls in between), then every change, until it finishes or the
 * viewer leaves. A reload mid-run starts again from where it is.
 */
export function progressStream(
  id: string,
  initial: () => Promise<EvaluationProgress>,
  signal: AbortSignal,
  onEnd: () => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop = () => {};
  let finish = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const end = () => {
        if (closed) return;
        closed = true;
        stop();
        onEnd();
        try {
          controller.close();
        } catch {}
      };
      let last = "";
      const send = (p: EvaluationProgress) => {
        const frame = JSON.stringify(p);
        if (closed || frame === last) return;
        last = frame;
        controller.enqueue(encoder.encode(`data: ${frame}\n\n`));
        if (FINISHED.has(p.status)) end();
      };
      const queued: EvaluationProgress[] = [];
      let ready = false;
      const unsubscribe = onProgress(id, (p) => (ready ? send(p) : queued.push(p)));
      const heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(": heartbeat\n\n"));
      }, HEARTBEAT_MS);
      const reread = setInterval(() => {
        if (ready) void initial().then(send, end);
      }, REREAD_MS);
      stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        clearInterval(reread);
        signal.removeEventListener("abort", end);
      };
      finish = end;
      signal.addEventListener("abort", end, { once: true });
      if (signal.aborted) return end();
      try {
        const now = await initial();
        send(now);
        // what changed while the start was read, if it is newer than what was sent
        for (const p of queued) if (p.done >= now.done) send(p);
        ready = true;
      } catch {
        end();
      }
    },
    cancel() {
      finish();
    },
  });
}
