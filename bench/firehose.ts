/**
 * Firehose: a command that prints ~10 MB, from the model's tool call to the `✓` result line in the
 * browser's terminal (all output delivered, in order), while a person types into the composer.
 *
 *   node_modules/.bin/tsx bench/firehose.ts [--mb 10] [--cpu-prof]
 *
 * Needs the production build (.next). Measures, in Chromium:
 *   floor     the same amount of base64 text written straight into the page's xterm
 *             (`window.__ratchetTerm.write(chunk, cb)`, 64 KiB chunks, each awaited) → MB/s
 *   firehose  `head -c … /dev/urandom | base64 -w 120` through run_command, the event log, SSE and
 *             the session page → MB/s from the tool call (model server's last tool-call chunk) to
 *             the `✓` line being in the xterm buffer
 *   responsiveness during both: the longest gap between animation frames, and during the firehose
 *             the latency of a key typed into the composer every 100 ms (CDP key sent → `input`
 *             event handled in the page)
 * MB = 10^6 bytes. `--cpu-prof` records the session page's CPU profile (Chromium's profiler over
 * CDP) from the message sent to the `✓` line, and the floor's page's while it writes (queued),
 * prints their self time by script and by function, and writes them to
 * bench/results/firehose-page.cpuprofile and firehose-floor.cpuprofile.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "@playwright/test";
import {
  type BenchApp,
  type BenchBrowser,
  openBrowser,
  openSession,
  startApp,
  waitForIdle,
} from "./support/app";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { type PageProfile, pageSelfTime, startPageProfile, stopPageProfile } from "./support/page-profile";
import { deadline, machine, RESULTS_DIR, round, summarize, writeResult } from "./support/stats";

interface FirehoseProbe {
  /** requestAnimationFrame timestamps as epoch ms (performance.timeOrigin + rAF time) */
  frames: number[];
  /** label → Date.now() when first seen near the end of the xterm buffer */
  marks: Record<string, number>;
  /** Date.now() of each `input` event on the composer */
  inputs: number[];
  /** Date.now() of each write of over 4 KiB into xterm */
  writes: number[];
  close(): void;
}

declare global {
  interface Window {
    __benchFirehose?: FirehoseProbe;
  }
}

const { values } = parseArgs({
  options: { mb: { type: "string", default: "10" }, "cpu-prof": { type: "boolean", default: false } },
});
const TARGET_BYTES = Math.max(1, Number.parseFloat(values.mb)) * 1e6;
const LINE_CHARS = 120;
/** base64 turns 90 random bytes into one 120-character line (+ newline). */
const RANDOM_BYTES = Math.round((TARGET_BYTES / (LINE_CHARS + 1)) * 90);
const COMMAND = `head -c ${RANDOM_BYTES} /dev/urandom | base64 -w ${LINE_CHARS}`;
const EXPECTED_LINES = Math.ceil(Math.ceil((RANDOM_BYTES * 4) / 3) / LINE_CHARS);
const EXPECTED_BYTES = Math.ceil((RANDOM_BYTES * 4) / 3) + EXPECTED_LINES;
const TYPE_EVERY_MS = 100;
const FIREHOSE_TIMEOUT_MS = 70_000;
const DONE = "⟦done⟧";

let llm: ChatServer | undefined;
let app: BenchApp | undefined;
let browser: BenchBrowser | undefined;

async function cleanup(): Promise<void> {
  await browser?.close().catch(() => {});
  await app?.stop().catch(() => {});
  await llm?.close().catch(() => {});
}

deadline(115_000, "firehose", cleanup);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mbps = (bytes: number, ms: number) => round(bytes / 1e6 / (ms / 1000), 2);

function gaps(frames: number[]): number[] {
  return frames.slice(1).map((t, i) => t - (frames[i] ?? t));
}

type FloorMode = "awaited" | "queued";

/**
 * The floor: the same shape of text written straight into this page's xterm in 64 KiB chunks,
 * either awaiting each write's callback before the next ("awaited") or issuing every write at once
 * and awaiting the last callback ("queued", xterm's own write buffer paces the parser).
 */
async function measureFloor(
  page: Page,
  mode: FloorMode,
): Promise<{ bytes: number; ms: number; frameGaps: number[] }> {
  return page.evaluate(
    async ({ randomBytes, lineChars, mode }) => {
      const term = window.__ratchetTerm;
      if (!term) throw new Error("no terminal");
      const perLine = (lineChars / 4) * 3;
      const random = new Uint8Array(perLine);
      const lines: string[] = [];
      for (let left = randomBytes; left > 0; left -= perLine) {
        const part = random.subarray(0, Math.min(perLine, left));
        crypto.getRandomValues(part);
        lines.push(btoa(String.fromCharCode(...part)));
      }
      const data = `${lines.join("\n")}\n`;
      const frames: number[] = [];
      let running = true;
      const tick = (ts: number) => {
        frames.push(ts);
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const t0 = performance.now();
      const CHUNK = 64 * 1024;
      if (mode === "awaited") {
        for (let i = 0; i < data.length; i += CHUNK) {
          await new Promise<void>((resolve) => term.write(data.slice(i, i + CHUNK), resolve));
        }
      } else {
        await new Promise<void>((resolve) => {
          for (let i = 0; i < data.length; i += CHUNK) {
            const last = i + CHUNK >= data.length;
            term.write(data.slice(i, i + CHUNK), last ? resolve : undefined);
          }
        });
      }
      const t1 = performance.now();
      running = false;
      return {
        bytes: data.length,
        ms: t1 - t0,
        frameGaps: frames.slice(1).map((t, i) => t - (frames[i] ?? t)),
      };
    },
    { randomBytes: RANDOM_BYTES, lineChars: LINE_CHARS, mode },
  );
}

async function installProbe(page: Page): Promise<void> {
  await page.evaluate((done) => {
    const term = window.__ratchetTerm;
    const composer = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]');
    if (!term || !composer) throw new Error("no terminal or composer");
    let running = true;
    const onInput = () => probe.inputs.push(Date.now());
    const probe: FirehoseProbe = {
      frames: [],
      marks: {},
      inputs: [],
      writes: [],
      close: () => {
        running = false;
        composer.removeEventListener("input", onInput);
      },
    };
    composer.addEventListener("input", onInput);
    // When the page hands text to xterm (large writes only: the output's pieces).
    const write = term.write.bind(term);
    term.write = (data: string | Uint8Array, callback?: () => void) => {
      if (data.length > 4096) probe.writes.push(Date.now());
      write(data, callback);
    };
    const patterns: [string, (line: string) => boolean][] = [
      ["call", (line) => line.startsWith("▸ run_command")],
      ["result", (line) => line.startsWith("✓ ") || line.startsWith("✗ ")],
      ["done", (line) => line.includes(done)],
    ];
    const scan = (ts: number) => {
      if (!running) return;
      probe.frames.push(performance.timeOrigin + ts);
      const now = Date.now();
      const buffer = term.buffer.active;
      // Only the last rows: the lines we look for are always the newest when they appear.
      for (let i = Math.max(0, buffer.length - 40); i < buffer.length; i++) {
        const text = buffer.getLine(i)?.translateToString(true);
        if (!text) continue;
        for (const [label, test] of patterns) {
          if (probe.marks[label] === undefined && test(text)) probe.marks[label] = now;
        }
      }
      requestAnimationFrame(scan);
    };
    requestAnimationFrame(scan);
    window.__benchFirehose = probe;
  }, DONE);
}

/** After the run (untimed): the output rows between the call and result lines, to prove all of it arrived. */
function countOutput(page: Page): Promise<{ lines: number; bytes: number; resultLine: string }> {
  return page.evaluate(() => {
    const term = window.__ratchetTerm;
    if (!term) return { lines: 0, bytes: 0, resultLine: "" };
    const buffer = term.buffer.active;
    let lines = 0;
    let bytes = 0;
    let inside = false;
    let resultLine = "";
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const text = line?.translateToString(true) ?? "";
      if (!inside && text.startsWith("▸ run_command")) {
        inside = true;
        continue;
      }
      if (inside && (text.startsWith("✓ ") || text.startsWith("✗ "))) {
        resultLine = text;
        break;
      }
      if (!inside) continue;
      // every row of output starts with the session view's two-space gutter; base64 never does
      const content = text.startsWith("  ") ? text.slice(2) : text;
      bytes += content.length + (line?.isWrapped ? 0 : 1);
      if (!line?.isWrapped) lines++;
    }
    return { lines, bytes, resultLine };
  });
}

interface ServerTimes {
  toolCallAt?: number;
  firstOutputAt?: number;
  toolResultAt?: number;
  outputEvents: number;
  outputChars: number;
  largestEventChars: number;
}

/** Replays the session's events (after the run) for the server's own timestamps. */
async function serverTimes(target: BenchApp, sessionId: string): Promise<ServerTimes> {
  const times: ServerTimes = { outputEvents: 0, outputChars: 0, largestEventChars: 0 };
  const controller = new AbortController();
  const response = await fetch(`${target.url}/api/sessions/${sessionId}/events?after=0`, {
    headers: { authorization: "Bearer e2e-token-0123456789abcdef0123456789" },
    signal: controller.signal,
  });
  if (!response.body) return times;
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const bytes of response.body) {
      buffered += decoder.decode(bytes, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end !== -1) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf("\n\n");
        const data = frame.split("\n").find((line) => line.startsWith("data: "));
        if (!data) continue;
        const event = JSON.parse(data.slice(6)) as { type: string; at: string; chunk?: string };
        const at = Date.parse(event.at);
        if (event.type === "tool-call") times.toolCallAt ??= at;
        if (event.type === "tool-output") {
          times.firstOutputAt ??= at;
          times.outputEvents++;
          const chars = event.chunk?.length ?? 0;
          times.outputChars += chars;
          times.largestEventChars = Math.max(times.largestEventChars, chars);
        }
        if (event.type === "tool-result") times.toolResultAt ??= at;
        if (event.type === "turn-end") {
          controller.abort();
          return times;
        }
      }
    }
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  }
  return times;
}

try {
  let toolCallSentAt = 0;
  let toolResultChars = 0;
  let warmingUp = true;
  llm = await startChatServer(async (req, stream) => {
    if (req.toolResults === 0 && warmingUp) {
      await stream.toolCall("run_command", { command: "echo warm" });
    } else if (req.toolResults === 0) {
      toolCallSentAt = await stream.toolCall("run_command", { command: COMMAND });
    } else {
      toolResultChars = req.lastToolResultChars;
      await stream.text(DONE);
    }
  });
  app = await startApp({ llmUrl: llm.url, label: "firehose" });
  browser = await openBrowser(app);
  console.log(
    `firehose: ${(EXPECTED_BYTES / 1e6).toFixed(2)} MB (${EXPECTED_LINES} lines of ${LINE_CHARS}) via \`${COMMAND}\` (load ${machine().loadavg.join(" ")})`,
  );

  // Warm-up turn: compiles the routes and opens the database paths once.
  const warm = await app.api<{ id: string }>("POST", "/api/sessions", { title: "bench warm-up" });
  const warmPage = await openSession(browser.context, warm.id);
  await app.api("POST", `/api/sessions/${warm.id}/messages`, { text: "warm-up" });
  await waitForIdle(app, warm.id, 30_000);
  await warmPage.close();
  warmingUp = false;

  // Floors: straight into xterm, each on a session page of its own.
  let floorProfile: PageProfile | null = null;
  const floors: Record<FloorMode, Awaited<ReturnType<typeof measureFloor>>> = {
    awaited: { bytes: 0, ms: Number.NaN, frameGaps: [] },
    queued: { bytes: 0, ms: Number.NaN, frameGaps: [] },
  };
  for (const mode of ["awaited", "queued"] as const) {
    const floorSession = await app.api<{ id: string }>("POST", "/api/sessions", {
      title: `bench floor ${mode}`,
    });
    const floorPage = await openSession(browser.context, floorSession.id);
    const floorCdp =
      values["cpu-prof"] && mode === "queued" ? await browser.context.newCDPSession(floorPage) : null;
    if (floorCdp) await startPageProfile(floorCdp);
    const floor = await measureFloor(floorPage, mode);
    if (floorCdp) floorProfile = await stopPageProfile(floorCdp);
    floors[mode] = floor;
    await floorPage.close();
    console.log(
      `  floor    xterm.write, 64 KiB chunks ${mode.padEnd(7)}: ${(floor.bytes / 1e6).toFixed(2)} MB in ${(floor.ms / 1000).toFixed(2)} s = ${mbps(floor.bytes, floor.ms)} MB/s, max frame gap ${Math.round(Math.max(...floor.frameGaps))} ms`,
    );
  }
  const floorMBps = Math.max(...Object.values(floors).map((f) => mbps(f.bytes, f.ms)));

  // Firehose through the app.
  const { id } = await app.api<{ id: string }>("POST", "/api/sessions", { title: "bench firehose" });
  const page = await openSession(browser.context, id);
  await installProbe(page);
  await page.getByTestId("composer").focus();
  const cdp = values["cpu-prof"] ? await page.context().newCDPSession(page) : null;
  if (cdp) await startPageProfile(cdp);
  await app.api("POST", `/api/sessions/${id}/messages`, { text: "bench firehose" });
  const keySent: number[] = [];
  const keyAcked: number[] = [];
  const until = Date.now() + FIREHOSE_TIMEOUT_MS;
  for (;;) {
    const marks = await page.evaluate(() => window.__benchFirehose?.marks ?? {});
    if (marks.done !== undefined || Date.now() > until) break;
    const t0 = Date.now();
    await page.keyboard.press("x");
    keySent.push(t0);
    keyAcked.push(Date.now());
    await sleep(Math.max(0, TYPE_EVERY_MS - (Date.now() - t0)));
  }
  const pageProfile: PageProfile | null = cdp ? await stopPageProfile(cdp) : null;
  const probe = await page.evaluate(() => {
    const p = window.__benchFirehose;
    p?.close();
    return {
      frames: p?.frames ?? [],
      marks: p?.marks ?? {},
      inputs: p?.inputs ?? [],
      writes: p?.writes ?? [],
    };
  });
  await waitForIdle(app, id, 30_000);
  const delivered = await countOutput(page);
  const server = await serverTimes(app, id);

  const outputWrites = probe.writes.filter((at) => at >= toolCallSentAt);
  const resultSeen = probe.marks.result;
  const elapsedMs = resultSeen !== undefined && toolCallSentAt > 0 ? resultSeen - toolCallSentAt : Number.NaN;
  const appMBps = mbps(delivered.bytes, elapsedMs);
  // Frames while the firehose was in flight: from the tool call to the final answer on screen.
  const windowEnd = probe.marks.done ?? Number.POSITIVE_INFINITY;
  const frameGaps = gaps(probe.frames.filter((t) => t >= toolCallSentAt && t <= windowEnd));
  const typing = keySent.flatMap((sent, i) => {
    const handled = probe.inputs[i];
    return handled === undefined ? [] : [handled - sent];
  });
  const ackRoundTrips = keySent.map((sent, i) => (keyAcked[i] ?? sent) - sent);
  const maxGap = Math.max(0, ...frameGaps);
  const result = {
    command: COMMAND,
    expected: { lines: EXPECTED_LINES, bytes: EXPECTED_BYTES },
    delivered,
    complete: delivered.lines === EXPECTED_LINES && delivered.bytes === EXPECTED_BYTES,
    toolResultCharsSentToModel: toolResultChars,
    floor: {
      MBps: floorMBps,
      ...Object.fromEntries(
        Object.entries(floors).map(([mode, f]) => [
          mode,
          {
            bytes: f.bytes,
            seconds: round(f.ms / 1000, 3),
            MBps: mbps(f.bytes, f.ms),
            maxFrameGapMs: round(Math.max(0, ...f.frameGaps), 1),
            frameGapsMs: summarize(f.frameGaps),
          },
        ]),
      ),
    },
    app: {
      secondsFromToolCallToResultLine: round(elapsedMs / 1000, 3),
      MBps: appMBps,
      ratioToFloor: round(appMBps / floorMBps, 3),
      maxFrameGapMs: round(maxGap, 1),
      frameGapsMs: summarize(frameGaps),
      framesOver50ms: frameGaps.filter((g) => g > 50).length,
      framesOver100ms: frameGaps.filter((g) => g > 100).length,
      typingLatencyMs: summarize(typing),
      keyPressRoundTripMs: summarize(ackRoundTrips),
      keysTyped: keySent.length,
      inputsHandled: probe.inputs.length,
    },
    timeline: {
      note: "ms after the model server wrote the tool call (server times are the event log's `at`, ms resolution)",
      callLineSeen: probe.marks.call !== undefined ? probe.marks.call - toolCallSentAt : null,
      serverToolCall: server.toolCallAt !== undefined ? server.toolCallAt - toolCallSentAt : null,
      serverFirstOutput: server.firstOutputAt !== undefined ? server.firstOutputAt - toolCallSentAt : null,
      serverToolResult: server.toolResultAt !== undefined ? server.toolResultAt - toolCallSentAt : null,
      firstWriteToXterm: outputWrites.length > 0 ? (outputWrites[0] ?? 0) - toolCallSentAt : null,
      lastWriteToXterm: outputWrites.length > 0 ? (outputWrites.at(-1) ?? 0) - toolCallSentAt : null,
      resultLineSeen: Number.isFinite(elapsedMs) ? elapsedMs : null,
      doneSeen: probe.marks.done !== undefined ? probe.marks.done - toolCallSentAt : null,
    },
    serverEvents: {
      toolOutputEvents: server.outputEvents,
      outputChars: server.outputChars,
      largestEventChars: server.largestEventChars,
    },
  };
  const t = result.timeline;
  console.log(
    `  app      tool call → ✓ line: ${result.app.secondsFromToolCallToResultLine} s = ${appMBps} MB/s (${result.app.ratioToFloor}× floor), complete: ${result.complete} (${delivered.lines} lines, ${delivered.bytes} B)`,
  );
  console.log(
    `           timeline ms: server tool-call ${t.serverToolCall}, first output ${t.serverFirstOutput}, command done ${t.serverToolResult}; handed to xterm ${t.firstWriteToXterm}–${t.lastWriteToXterm}; ✓ on screen ${t.resultLineSeen}`,
  );
  console.log(
    `           events: ${server.outputEvents} tool-output events, largest ${(server.largestEventChars / 1e6).toFixed(2)} MB`,
  );
  console.log(
    `  page     max frame gap ${Math.round(maxGap)} ms (p99 ${Math.round(result.app.frameGapsMs.p99)} ms, ${result.app.framesOver100ms} gaps > 100 ms); typing p50 ${result.app.typingLatencyMs.p50} ms p95 ${result.app.typingLatencyMs.p95} ms max ${result.app.typingLatencyMs.max} ms (${typing.length} keys)`,
  );
  console.log(`  -> ${writeResult("firehose", result)}`);
  for (const [name, profile] of [
    ["firehose-page", pageProfile],
    ["firehose-floor", floorProfile],
  ] as const) {
    if (!profile) continue;
    const self = pageSelfTime(profile);
    console.log(`  ${name}: profile over ${self.spanMs} ms, self time by script (ms):`);
    for (const [script, ms] of self.byScript) console.log(`    ${String(ms).padStart(8)}  ${script}`);
    console.log("  by function (ms):");
    for (const [fn, ms] of self.byFunction) console.log(`    ${String(ms).padStart(8)}  ${fn}`);
    const file = path.join(RESULTS_DIR, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`  -> ${file}`);
  }
} finally {
  await cleanup();
}
