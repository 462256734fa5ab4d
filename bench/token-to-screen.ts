/**
 * Token-to-screen latency: from the model server writing a text delta to that text being in the
 * browser's xterm buffer (which xterm paints in the same animation frame).
 *
 *   node_modules/.bin/tsx bench/token-to-screen.ts [--rounds 3] [--markers 60] [--gap 50]
 *
 * Needs the production build (.next). A benchmark model server streams `--markers` deltas
 * `⟦kN⟧ ` `--gap` ms apart and notes Date.now() as each is written; the built app runs on a free
 * loopback port with a private data dir; Chromium opens the session and a requestAnimationFrame
 * loop scans `window.__ratchetTerm.buffer.active` for new markers, noting Date.now() when each
 * first appears. A second EventSource in the page notes when each marker arrives over SSE, which
 * splits the latency into server (model → SSE) and client (SSE → xterm buffer).
 */
import { parseArgs } from "node:util";
import {
  type BenchApp,
  type BenchBrowser,
  openBrowser,
  openSession,
  startApp,
  waitForIdle,
} from "./support/app";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { deadline, machine, ms, round, summarize, writeResult } from "./support/stats";

interface MarkerProbe {
  /** marker number → Date.now() when first seen in the xterm buffer */
  seen: Record<string, number>;
  /** marker number → Date.now() when the SSE event carrying it reached the page */
  arrived: Record<string, number>;
  /** requestAnimationFrame timestamps (performance.now()) */
  frames: number[];
  close(): void;
}

declare global {
  interface Window {
    __benchMarkers?: MarkerProbe;
  }
}

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    markers: { type: "string", default: "60" },
    gap: { type: "string", default: "50" },
  },
});
const ROUNDS = Math.max(1, Number.parseInt(values.rounds, 10));
const MARKERS = Math.max(1, Number.parseInt(values.markers, 10));
const GAP_MS = Math.max(0, Number.parseInt(values.gap, 10));
const GOAL_P95_MS = 50;

let llm: ChatServer | undefined;
let app: BenchApp | undefined;
let browser: BenchBrowser | undefined;

async function cleanup(): Promise<void> {
  await browser?.close().catch(() => {});
  await app?.stop().catch(() => {});
  await llm?.close().catch(() => {});
}

deadline(115_000, "token-to-screen", cleanup);

/** Marker numbers of the current round start here (round 0 is a discarded warm-up). */
let roundBase = 0;
const sent = new Map<number, number>();

try {
  llm = await startChatServer(async (_req, stream) => {
    const base = roundBase;
    for (let i = 0; i < MARKERS; i++) {
      if (i > 0) await stream.pause(GAP_MS);
      const k = base + i;
      sent.set(k, await stream.text(`⟦k${k}⟧ `));
    }
  });
  app = await startApp({ llmUrl: llm.url, label: "t2s" });
  browser = await openBrowser(app);
  const { id } = await app.api<{ id: string }>("POST", "/api/sessions", { title: "bench token-to-screen" });
  const page = await openSession(browser.context, id);

  await page.evaluate((sessionId) => {
    const term = window.__ratchetTerm;
    if (!term) throw new Error("no terminal");
    const re = /⟦k(\d+)⟧/g;
    let running = true;
    const probe: MarkerProbe = {
      seen: {},
      arrived: {},
      frames: [],
      close: () => {
        running = false;
        source.close();
      },
    };
    let from = 0;
    const scan = (ts: number) => {
      if (!running) return;
      probe.frames.push(ts);
      const now = Date.now();
      const buffer = term.buffer.active;
      // Rows above the cursor's logical line never change: scan from there to the end.
      let start = Math.min(from, Math.max(0, buffer.length - 1));
      while (start > 0 && buffer.getLine(start)?.isWrapped) start--;
      let text = "";
      for (let i = start; i < buffer.length; i++) {
        const line = buffer.getLine(i);
        if (line) text += (line.isWrapped ? "" : "\n") + line.translateToString(true);
      }
      for (const match of text.matchAll(re)) {
        const k = match[1];
        if (k !== undefined && probe.seen[k] === undefined) probe.seen[k] = now;
      }
      from = buffer.baseY + buffer.cursorY;
      requestAnimationFrame(scan);
    };
    requestAnimationFrame(scan);
    const source = new EventSource(`/api/sessions/${encodeURIComponent(sessionId)}/events?after=0`);
    source.onmessage = (message: MessageEvent<string>) => {
      const now = Date.now();
      const event = JSON.parse(message.data) as { type?: string; text?: string };
      if (event.type !== "text-delta" || typeof event.text !== "string") return;
      for (const match of event.text.matchAll(re)) {
        const k = match[1];
        if (k !== undefined && probe.arrived[k] === undefined) probe.arrived[k] = now;
      }
    };
    window.__benchMarkers = probe;
  }, id);

  console.log(
    `token-to-screen: ${ROUNDS} rounds × ${MARKERS} deltas, ${GAP_MS} ms apart (+1 warm-up round; load ${machine().loadavg.join(" ")})`,
  );
  const latency: number[] = [];
  const server: number[] = [];
  const client: number[] = [];
  let missing = 0;
  for (let r = 0; r <= ROUNDS; r++) {
    roundBase = r * 1000;
    await app.api("POST", `/api/sessions/${id}/messages`, { text: `bench round ${r}` });
    const last = String(roundBase + MARKERS - 1);
    await page
      .waitForFunction((k) => window.__benchMarkers?.seen[k] !== undefined, last, {
        timeout: 20_000,
        polling: 100,
      })
      .catch(() => {});
    await waitForIdle(app, id, 20_000);
    if (r === 0) continue; // warm-up: first compile of routes, first DB writes
    const probe = await page.evaluate(() => ({
      seen: window.__benchMarkers?.seen ?? {},
      arrived: window.__benchMarkers?.arrived ?? {},
    }));
    for (let i = 0; i < MARKERS; i++) {
      const k = roundBase + i;
      const sentAt = sent.get(k);
      const seenAt = probe.seen[String(k)];
      const arrivedAt = probe.arrived[String(k)];
      if (sentAt === undefined || seenAt === undefined) {
        missing++;
        continue;
      }
      latency.push(seenAt - sentAt);
      if (arrivedAt !== undefined) {
        server.push(arrivedAt - sentAt);
        client.push(seenAt - arrivedAt);
      }
    }
  }
  const frames = await page.evaluate(() => {
    const probe = window.__benchMarkers;
    probe?.close();
    return probe?.frames ?? [];
  });
  const intervals = frames.slice(1).map((t, i) => t - (frames[i] ?? t));

  const total = summarize(latency);
  const frameInterval = summarize(intervals);
  const result = {
    rounds: ROUNDS,
    markersPerRound: MARKERS,
    gapMs: GAP_MS,
    unit: "ms",
    latency: total,
    split: { serverModelToSse: summarize(server), clientSseToBuffer: summarize(client) },
    frameIntervalMs: frameInterval,
    floor: {
      note: "60 Hz display: data that arrives at a random moment waits on average half a frame and at most one frame for the next paint",
      meanMs: round(frameInterval.p50 / 2, 1),
      maxMs: round(frameInterval.p50, 1),
    },
    missingMarkers: missing,
    goal: { p95Ms: GOAL_P95_MS, met: total.p95 <= GOAL_P95_MS && missing === 0 },
  };
  console.log(
    `  model write → xterm buffer: p50 ${ms(total.p50)}  p95 ${ms(total.p95)}  max ${ms(total.max)}  (n=${total.n}, missing ${missing})`,
  );
  console.log(
    `  server (model write → SSE at page): p50 ${ms(result.split.serverModelToSse.p50)}  p95 ${ms(result.split.serverModelToSse.p95)}`,
  );
  console.log(
    `  client (SSE at page → buffer):      p50 ${ms(result.split.clientSseToBuffer.p50)}  p95 ${ms(result.split.clientSseToBuffer.p95)}`,
  );
  console.log(`  frame interval p50 ${ms(frameInterval.p50)} (floor: mean ½ frame, max 1 frame)`);
  console.log(`  goal p95 ≤ ${GOAL_P95_MS} ms: ${result.goal.met ? "met" : "MISSED"}`);
  console.log(`  -> ${writeResult("token-to-screen", result)}`);
} finally {
  await cleanup();
}
