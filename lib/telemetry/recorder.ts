import "server-only";
import { randomBytes } from "node:crypto";
import { insertModelSteps, type ModelStepRecord, type StampedModelStep } from "@/lib/db/queries/model-steps";
import { insertToolCalls, type StampedToolCall, type ToolCallRecord } from "@/lib/db/queries/tool-calls";
import { processState } from "@/lib/process-state";
import { commandKeyOf } from "./normalize-command";

/**
 * Telemetry off the hot path. recordToolCall/recordModelStep only queue the row (a few microseconds);
 * the queue is written as one multi-row INSERT a moment later (FLUSH_MS), or at once when it holds
 * MAX_BATCH rows. flushTelemetry() writes what is queued: await it where rows must be readable (at
 * the end of a turn) and before the process exits.
 */
const FLUSH_MS = 25;
const MAX_BATCH = 200;

/** How a queued record becomes a row (id and time stamped when it is queued) and how rows are written. */
interface Table<T, Row> {
  name: "ToolCall" | "ModelStep";
  stamp(record: T, id: string, at: Date): Row;
  insert(rows: Row[]): Promise<number>;
}

const TOOL_CALL: Table<ToolCallRecord, StampedToolCall> = {
  name: "ToolCall",
  stamp: (r, id, at) => ({
    ...r,
    id,
    errorMessage: r.errorMessage ?? null,
    commandKey: commandKeyOf(r),
    createdAt: at,
  }),
  insert: insertToolCalls,
};

const MODEL_STEP: Table<ModelStepRecord, StampedModelStep> = {
  name: "ModelStep",
  stamp: (r, id, at) => ({ ...r, tier: r.tier ?? null, id, createdAt: at }),
  insert: insertModelSteps,
};

class Queue<T, Row> {
  private rows: Row[] = [];
  private timer: NodeJS.Timeout | null = null;
  private batch: { promise: Promise<void>; resolve: () => void } | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly table: Table<T, Row>) {}

  get size(): number {
    return this.rows.length;
  }

  push(row: T): Promise<void> {
    this.rows.push(this.table.stamp(row, newId(), new Date()));
    if (!this.batch) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.batch = { promise, resolve };
    }
    const { promise } = this.batch;
    if (this.rows.length >= MAX_BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
    return promise;
  }

  /** Writes everything queued so far; resolves once it is in the database (or reported lost). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const rows = this.rows;
    const batch = this.batch;
    this.rows = [];
    this.batch = null;
    // one write at a time, in order
    this.writing = this.writing.then(async () => {
      if (rows.length) await this.write(rows);
      batch?.resolve();
    });
    return this.writing;
  }

  private async write(rows: Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += MAX_BATCH) {
      const chunk = rows.slice(i, i + MAX_BATCH);
      try {
        await this.table.insert(chunk);
      } catch (error) {
        // one bad row (its session deleted meanwhile) must not lose the others
        let lost = 0;
        for (const row of chunk) await this.table.insert([row]).catch(() => lost++);
        if (lost) console.error(`[ratchet] telemetry: ${lost} ${this.table.name} row(s) not written`, error);
      }
    }
  }
}

function newId(): string {
  return `c${Date.now().toString(36)}${randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase()}`;
}

const queues = processState("telemetry.queues", () => {
  // a process that ends by running out of work (scripts, tests) writes its queue first
  process.once("beforeExit", () => void flushTelemetry());
  return { calls: new Queue(TOOL_CALL), steps: new Queue(MODEL_STEP) };
});

/** Queues one tool call's row, stamped now; the promise settles when its batch is written. */
export function recordToolCall(record: ToolCallRecord): Promise<void> {
  return queues().calls.push(record);
}

/** Queues one model step's row, stamped now. */
export function recordModelStep(record: ModelStepRecord): Promise<void> {
  return queues().steps.push(record);
}

/** Writes every queued row. Await at the end of a turn and on shutdown. */
export async function flushTelemetry(): Promise<void> {
  const { calls, steps } = queues();
  await Promise.all([calls.flush(), steps.flush()]);
}

export function pendingTelemetry(): number {
  const { calls, steps } = queues();
  return calls.size + steps.size;
}
