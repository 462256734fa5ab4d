import { describe, expect, it } from "vitest";
import { type EvaluationProgress, progressNow, progressStream, reportProgress } from "./progress";

const at = (id: string, status: EvaluationProgress["status"], done: number): EvaluationProgress => ({
  id,
  status,
  done,
  total: 4,
  spentUsd: done * 0.01,
  budgetUsd: 1,
  current: status === "running" ? { case: done + 1, cases: 2, arm: "baseline", repeat: 1, repeats: 1 } : null,
});

async function frames(stream: ReadableStream<Uint8Array>): Promise<EvaluationProgress[]> {
  const text = await new Response(stream).text();
  return text
    .split("\n\n")
    .filter((f) => f.startsWith("data: "))
    .map((f) => JSON.parse(f.slice(6)) as EvaluationProgress);
}

describe("an evaluation's progress stream", () => {
  it("sends where it is now, then each change, and ends when it finishes", async () => {
    reportProgress(at("e1", "running", 1));
    let ended = 0;
    const stream = progressStream(
      "e1",
      async () => progressNow("e1") ?? at("e1", "queued", 0),
      new AbortController().signal,
      () => ended++,
    );
    const read = frames(stream);
    // the start is read asynchronously: changes reported meanwhile are sent once, in order, after it
    reportProgress(at("e1", "running", 2));
    await new Promise<void>((resolve) => setImmediate(resolve));
    reportProgress(at("e1", "running", 3));
    reportProgress(at("e1", "completed", 4));
    expect(progressNow("e1")).toBeNull();
    // the stream has ended: nothing after the end is sent
    reportProgress(at("e1", "running", 9));
    expect((await read).map((p) => [p.status, p.done])).toEqual([
      ["running", 1],
      ["running", 2],
      ["running", 3],
      ["completed", 4],
    ]);
    expect(ended).toBe(1);
  });

  it("a finished evaluation's stream is its last state and nothing more; a viewer leaving ends it", async () => {
    const done = await frames(
      progressStream(
        "e2",
        async () => at("e2", "cancelled", 1),
        new AbortController().signal,
        () => {},
      ),
    );
    expect(done.map((p) => p.status)).toEqual(["cancelled"]);

    const leave = new AbortController();
    let ended = 0;
    const stream = progressStream(
      "e3",
      async () => at("e3", "running", 0),
      leave.signal,
      () => ended++,
    );
    const read = frames(stream);
    await new Promise<void>((resolve) => setImmediate(resolve));
    leave.abort();
    expect((await read).map((p) => p.done)).toEqual([0]);
    expect(ended).toBe(1);
  });
});
