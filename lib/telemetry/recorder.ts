import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/sqlite/client";
import type { ModelStepRecord } from "@/lib/db/queries/model-steps";
import { commandKeyOf, type ToolCallRecord } from "@/lib/db/queries/tool-calls";
import { processState } from "@/lib/process-state";

/**
 * Telemetry off the hot path. recordToolCall/recordModelStep only queue the row (a few microseconds);
 * the queue is written as one multi-row INSERT a moment later (FLUSH_MS), or at once when it holds
 * MAX_BATCH rows. flushTelemetry() writes what is queued: await it where rows must be readable (at
 * the end of a turn) and before the process exits.
 */
const FLUSH_MS = 25;
const MAX_BATCH = 200;

interface Table<T> {
  name: "ToolCall" | "ModelStep";
  columns: readonly string[];
  values(row: T, id: string, at: Date): unknown[];
}

const TOOL_CALL: Table<ToolCallRecord> = {
  name: "ToolCall",
  columns: [
    "id",
    "sessionId",
    "turnId",
    "callId",
    "tool",
    "toolVersion",
    "inputSummary",
    "ok",
    "exitCode",
    "errorClass",
    "durationMs",
    "outputBytes",
    "commandKey",
    "createdAt",
  ],
  values: (r, id, at) => [
    id,
    r.sessionId,
    r.turnId,
    r.callId,
    r.tool,
    r.toolVersion,
    r.inputSummary,
    r.ok,
    r.exitCode,
    r.errorClass,
    r.durationMs,
    r.outputBytes,
    commandKeyOf(r),
    at,
  ],
};

const MODEL_STEP: Table<ModelStepRecord> = {
  name: "ModelStep",
  columns: [
    "id",
    "sessionId",
    "turnId",
    "step",
    "model",
    "inputTokens",
    "outputTokens",
    "costUsd",
    "durationMs",
    "createdAt",
  ],
  values: (r, id, at) => [
    id,
    r.sessionId,
    r.turnId,
    r.step,
    r.model,
    r.inputTokens,
    r.outputTokens,
    r.costUsd,
    r.durationMs,
    at,
  ],
};

interface Pending {
  values: unknown[];
}

class Queue<T> {
  private rows: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private batch: { promise: Promise<void>; resolve: () => void } | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly table: Table<T>) {}

  get size(): number {
    return this.rows.length;
  }

  push(row: T): Promise<void> {
    this.rows.push({ values: this.table.values(row, newId(), new Date()) });
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

  private insert(rows: Pending[]): Promise<number> {
    const columns = Prisma.raw(this.table.columns.map((c) => `"${c}"`).join(", "));
    const tuples = rows.map((r) => Prisma.sql`(${Prisma.join(r.values)})`);
    return db()
      .$executeRaw`INSERT INTO ${Prisma.raw(`"${this.table.name}"`)} (${columns}) VALUES ${Prisma.join(tuples)}`;
  }

  private async write(rows: Pending[]): Promise<void> {
    for (let i = 0; i < rows.length; i += MAX_BATCH) {
      const chunk = rows.slice(i, i + MAX_BATCH);
      try {
        await this.insert(chunk);
      } catch (error) {
        // one bad row (its session deleted meanwhile) must not lose the others
        let lost = 0;
        for (const row of chunk) await this.insert([row]).catch(() => lost++);
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
