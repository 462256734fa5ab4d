import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRetryingFetch } from "./retrying-fetch";

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function serve(statuses: number[]): Promise<string> {
  let i = 0;
  const listening = createServer((_req, res) => {
    const status = statuses[Math.min(i++, statuses.length - 1)] ?? 200;
    res.writeHead(status, status === 429 ? { "retry-after-ms": "5" } : {});
    res.end(String(status));
  });
  server = listening;
  return new Promise((resolve) =>
    listening.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/`),
    ),
  );
}

describe("createRetryingFetch", () => {
  it("retries 429 and 503 with reported backoff, then returns the success", async () => {
    const url = await serve([429, 503, 200]);
    const retries: string[] = [];
    const f = createRetryingFetch({
      retries: 4,
      baseDelayMs: 1,
      maxDelayMs: 10,
      onRetry: (r) => retries.push(`${r.attempt}:${r.reason}:${r.delayMs}`),
    });
    const response = await f(url);
    expect(response.status).toBe(200);
    expect(retries).toEqual(["1:HTTP 429 (rate limited):5", "2:HTTP 503:2"]);
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

  it("retries a refused connection, then throws", async () => {
    const reasons: string[] = [];
    const f = createRetryingFetch({
      retries: 1,
      baseDelayMs: 1,
      maxDelayMs: 5,
      onRetry: (r) => reasons.push(r.reason),
    });
    await expect(f("http://127.0.0.1:1/")).rejects.toThrow();
    expect(reasons[0]).toMatch(/connection failed/);
  });
});
