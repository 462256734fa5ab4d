import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createSession } from "@/lib/db/queries/sessions";
import { appendEvent, drainEvents } from "./log";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MiB = 1024 * 1024;

/** JS heap in use after a full collection: what is still reachable. */
function reachable(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe("event log memory", () => {
  it("keeps nothing of a flood reachable once it is written", async () => {
    const { id } = await createSession({ title: "memory", workspace: "/tmp", budgetUsd: null, model: "m" });
    const read = `${"y\n".repeat(32 * 1024)}`;
    const flood = async (reads: number) => {
      for (let i = 0; i < reads; i++)
        void appendEvent(id, { type: "tool-output", callId: "c1", chunk: `${i}${read}` });
      await drainEvents(id);
    };
    // the first writes warm the driver's and the log's caches
    await flood(32);
    const before = reachable();
    // 32 MiB of a command's output, in pipe-sized reads appended without waiting (run_command's listener)
    await flood(512);
    const kept = reachable() - before;
    expect(kept).toBeLessThan(8 * MiB);
  });
});
