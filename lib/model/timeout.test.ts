import { APICallError } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeModelError } from "./errors";
import { findModelTimeout, formatSeconds, ModelTimeoutError, watchBody } from "./timeout";

afterEach(() => {
  vi.useRealTimers();
});

/** A body whose pieces the test pushes by hand, and which records why it was cancelled. */
function manualBody() {
  let push!: (chunk: string) => void;
  const cancelled: unknown[] = [];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (chunk) => controller.enqueue(new TextEncoder().encode(chunk));
    },
    cancel(reason) {
      cancelled.push(reason);
    },
  });
  return { body, push: (chunk: string) => push(chunk), cancelled };
}

const text = (chunk: ReadableStreamReadResult<Uint8Array>) => new TextDecoder().decode(chunk.value);

describe("watchBody", () => {
  it("fails with a body timeout when a read waits too long, and cancels the source", async () => {
    vi.useFakeTimers();
    const { body, push, cancelled } = manualBody();
    const reader = watchBody(body, 1000).getReader();
    push("first");
    expect(text(await reader.read())).toBe("first");
    const next = reader.read();
    const settled = expect(next).rejects.toMatchObject({ name: "ModelTimeoutError", phase: "body" });
    await vi.advanceTimersByTimeAsync(1000);
    await settled;
    expect(cancelled[0]).toBeInstanceOf(ModelTimeoutError);
  });

  it("restarts the clock with every piece", async () => {
    vi.useFakeTimers();
    const { body, push } = manualBody();
    const reader = watchBody(body, 1000).getReader();
    for (const piece of ["a", "b", "c"]) {
      const next = reader.read();
      await vi.advanceTimersByTimeAsync(900);
      push(piece);
      expect(text(await next)).toBe(piece);
    }
  });

  it("does not count the time the consumer spends not reading", async () => {
    vi.useFakeTimers();
    const { body, push } = manualBody();
    const reader = watchBody(body, 1000).getReader();
    push("early");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(text(await reader.read())).toBe("early");
  });

  it("passes the end of the body and the consumer's cancel through", async () => {
    const ended = watchBody(new Response("whole").body!, 1000);
    expect(await new Response(ended).text()).toBe("whole");
    const { body, cancelled } = manualBody();
    await watchBody(body, 1000).cancel("stop");
    expect(cancelled).toEqual(["stop"]);
  });
});

describe("findModelTimeout", () => {
  it("finds the timeout behind the AI SDK's wrappers, and nothing else", () => {
    const timeout = new ModelTimeoutError("body", 60_000);
    const wrapped = new APICallError({
      message: "Failed to process successful response",
      url: "http://x/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 200,
      cause: timeout,
    });
    expect(findModelTimeout(wrapped)).toBe(timeout);
    expect(findModelTimeout({ errors: [new Error("first"), timeout] })).toBe(timeout);
    expect(
      findModelTimeout(new Error("terminated", { cause: new Error("other side closed") })),
    ).toBeUndefined();
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(findModelTimeout(loop)).toBeUndefined();
  });
});

describe("describeModelError on a timeout", () => {
  it("says which silence stopped the turn, for how long, and what sets the limit", () => {
    const midStream = describeModelError(
      new APICallError({
        message: "Failed to process successful response",
        url: "http://127.0.0.1:11434/v1/chat/completions",
        requestBodyValues: {},
        statusCode: 200,
        cause: new ModelTimeoutError("body", 60_000),
      }),
      "http://127.0.0.1:11434/v1",
      "qwen3",
    );
    expect(midStream).toEqual({
      code: "model_timeout",
      message: expect.stringMatching(
        /^The model endpoint http:\/\/127\.0\.0\.1:11434\/v1 sent nothing for 60 s in the middle of its answer; the turn was stopped\..*RATCHET_MODEL_TIMEOUT_SECONDS/,
      ),
    });
    const noHeaders = describeModelError(new ModelTimeoutError("headers", 1500), "http://h/v1", "m");
    expect(noHeaders.code).toBe("model_timeout");
    expect(noHeaders.message).toMatch(
      /sent nothing for 1\.5 s after the request \(not even response headers\)/,
    );
  });

  it("formats whole and fractional seconds", () => {
    expect(formatSeconds(120_000)).toBe("120 s");
    expect(formatSeconds(1500)).toBe("1.5 s");
  });
});
