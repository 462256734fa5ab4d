/**
 * route() in front of every API route: the Host check on public routes (API routes have no proxy in
 * front of them, proxy.ts), and a refused body read to its end so the client gets the answer.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { env } from "@/lib/env";
import { MAX_JSON_BYTES, readJson, route } from "./handler";

const CHUNK = 64 * 1024;

/** A body sent in chunks, counting what the server pulled of it (as a socket would deliver it). */
function streamedBody(chunks: number) {
  const counted = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counted.pulled === chunks) {
        controller.close();
        return;
      }
      counted.pulled += 1;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
    },
    cancel() {
      counted.cancelled = true;
    },
  });
  return { body, counted };
}

function request(
  host: string,
  opts: { method?: string; body?: ReadableStream<Uint8Array>; headers?: Record<string, string> } = {},
) {
  return new Request("http://127.0.0.1/api/x", {
    method: opts.method ?? "GET",
    headers: { host, ...opts.headers },
    ...(opts.body ? { body: opts.body, duplex: "half" } : {}),
  } as RequestInit);
}

const params = { params: Promise.resolve({}) };

describe("a public route", () => {
  const ran: string[] = [];
  const health = route(
    async (req) => {
      ran.push(req.headers.get("host") ?? "");
      return Response.json({ ok: true });
    },
    { public: true },
  );

  it("answers on this server's own addresses", async () => {
    const { PORT } = env();
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`]) {
      expect((await health(request(host), params)).status, host).toBe(200);
    }
    expect(ran).toHaveLength(4);
  });

  it("refuses any other Host before it runs: DNS rebinding gets nothing", async () => {
    ran.length = 0;
    const { PORT } = env();
    const foreign = [
      "evil.test",
      `evil.test:${PORT}`,
      `127.0.0.1.evil.test:${PORT}`,
      "127.0.0.1",
      "localhost",
      `127.0.0.1:${PORT + 1}`,
      `127.0.0.1:${PORT}@evil.test`,
      `localhost:${PORT}.`,
      "",
    ];
    for (const host of foreign) {
      const res = await health(request(host), params);
      expect(res.status, JSON.stringify(host)).toBe(403);
    }
    expect(ran).toEqual([]);
  });
});

describe("a refused body", () => {
  const { PORT } = env();
  const host = `127.0.0.1:${PORT}`;
  const echo = route(async (req) => Response.json(await readJson(req, z.unknown())), { public: true });
  const needsLogin = route(async () => Response.json({ ran: true }), { action: "session.create" });

  it("declared over the cap: 413, after reading it to its end", async () => {
    const { body, counted } = streamedBody(Math.ceil((2 * MAX_JSON_BYTES) / CHUNK));
    const res = await echo(
      request(host, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "content-length": String(2 * MAX_JSON_BYTES) },
      }),
      params,
    );
    expect(res.status).toBe(413);
    expect(counted).toEqual({ pulled: Math.ceil((2 * MAX_JSON_BYTES) / CHUNK), cancelled: false });
  });

  it("found over the cap while reading (no length given): 413, after reading it to its end", async () => {
    const { body, counted } = streamedBody(40);
    const res = await echo(
      request(host, { method: "POST", body, headers: { "content-type": "application/json" } }),
      params,
    );
    expect(res.status).toBe(413);
    expect(counted).toEqual({ pulled: 40, cancelled: false });
  });

  it("never asked for (no credentials): 401, after reading it to its end", async () => {
    const { body, counted } = streamedBody(40);
    const res = await needsLogin(request(host, { method: "POST", body }), params);
    expect(res.status).toBe(401);
    expect(counted).toEqual({ pulled: 40, cancelled: false });
  });

  it("past 64 MiB is not read further: the connection is given up", async () => {
    const { body, counted } = streamedBody(2000);
    const res = await needsLogin(request(host, { method: "POST", body }), params);
    expect(res.status).toBe(401);
    expect(counted.cancelled).toBe(true);
    expect(counted.pulled * CHUNK).toBeGreaterThan(64 * 1024 * 1024);
    expect(counted.pulled).toBeLessThan(2000);
  });
});
