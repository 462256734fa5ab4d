import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRetryingFetch } from "./retrying-fetch";
import { ModelTimeoutError } from "./timeout";

let server: Server | undefined;

afterEach(
  () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

function listen(handler: RequestListener): Promise<string> {
  const listening = createServer(handler);
  server = listening;
  return new Promise((resolve) =>
    listening.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/`),
    ),
  );
}

function serve(statuses: number[]): Promise<string> {
  let i = 0;
  return listen((_req, res) => {
    const status = statuses[Math.min(i++, statuses.length - 1)] ?? 200;
    res.writeHead(status, status === 429 ? { "retry-after-ms": "5" } : {});
    res.end(String(status));
  });
}

/** A server that counts requests and, unless `answer` writes something, never answers them. */
async function serveSilence(answer: (n: number, res: Parameters<RequestListener>[1]) => void = () => {}) {
  let count = 0;
  const arrived: Array<() => void> = [];
  const url = await listen((_req, res) => {
    count++;
    arrived.shift()?.();
    answer(count, res);
  });
  const nextRequest = () => new Promise<void>((resolve) => arrived.push(resolve));
  return { url, requests: () => count, nextRequest };
}

describe("createRetryingFetch", () => {
  it("retries 429 and 503 with reported backoff, then returns the success", async () => {
    const url = await serve([429, 503, 200]);
    const retries: string[] = [];
    const f = createRetryingFetch({
      retries: 4,
      baseDelayMs: 1,
      maxDelayMs: 10,
      onRetry: (r) => retries.push(`${r.attempt}/${r.limit}:${r.reason}:${r.delayMs}`),
    });
    const response = await f(url);
    expect(response.status).toBe(200);
    expect(retries).toEqual(["1/4:HTTP 429 (rate limited):5", "2/4:HTTP 503:2"]);
  });

  it("gives up after the retry budget and returns the last failure", async () => {
    const url = await serve([429]);
    const f = createRetryingFetch({ retries: 2, baseDelayMs: 1, maxDelayMs: 5 });
    expect((await f(url)).status).toBe(429);
  });

  it("does not retry a 401", async () => {
    const url = await serve([401, 200]);
    let retried = false;
    const f = createRetryingFetch({
      retries: 3,
      baseDelayMs: 1,
      maxDelayMs: 5,
      onRetry: () => (retried = true),
    });
    expect((await f(url)).status).toBe(401);
    expect(retried).toBe(false);
  });

  it("retries a refused connection twice, then throws", async () => {
    const reasons: string[] = [];
    const f = createRetryingFetch({
      retries: 4,
      baseDelayMs: 1,
      maxDelayMs: 5,
      onRetry: (r) => reasons.push(`${r.attempt}/${r.limit} ${r.reason}`),
    });
    await expect(f("http://127.0.0.1:1/")).rejects.toThrow();
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^1\/2 connection failed/);
    expect(reasons[1]).toMatch(/^2\/2 connection failed/);
  });

  it("retries an endpoint that sends no headers once, then throws a headers timeout", async () => {
    const silent = await serveSilence();
    const reasons: string[] = [];
    const f = createRetryingFetch({
      retries: 4,
      baseDelayMs: 1,
      maxDelayMs: 5,
      timeoutMs: 200,
      onRetry: (r) => reasons.push(`${r.attempt}/${r.limit} ${r.reason}`),
    });
    const error = await f(silent.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeoutMs: 200 });
    expect(reasons).toEqual(["1/1 no response within 0.2 s"]);
    expect(silent.requests()).toBe(2);
  });

  it("returns a body that fails with a body timeout when the stream stalls, without a retry", async () => {
    const stalling = await serveSilence((_n, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: partial\n\n");
    });
    let retried = false;
    const f = createRetryingFetch({
      retries: 4,
      baseDelayMs: 1,
      maxDelayMs: 5,
      timeoutMs: 200,
      onRetry: () => (retried = true),
    });
    const response = await f(stalling.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: partial\n\n");
    await expect(reader.read()).rejects.toMatchObject({ name: "ModelTimeoutError", phase: "body" });
    expect(retried).toBe(false);
    expect(stalling.requests()).toBe(1);
  });

  it("reports the caller's abort as an abort, not a timeout, before and after the headers", async () => {
    const silent = await serveSilence((n, res) => {
      if (n === 2) res.writeHead(200).write("some");
    });
    const f = createRetryingFetch({ retries: 4, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 60_000 });
    const url = silent.url;
    const waiting = new AbortController();
    const arrived = silent.nextRequest();
    const pending = f(url, { signal: waiting.signal }).catch((e: unknown) => e);
    await arrived;
    waiting.abort();
    expect(await pending).toMatchObject({ name: "AbortError" });

    const reading = new AbortController();
    const response = await f(url, { signal: reading.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const next = reader.read().catch((e: unknown) => e);
    reading.abort();
    expect(await next).toMatchObject({ name: "AbortError" });
    expect(silent.requests()).toBe(2);
  });
});
