// Starts a server command, waits until its URL answers, reports what it saw, and always stops the
// server's whole process group (SIGTERM, then SIGKILL) before returning, whatever happened.
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";

export const description =
  "Start a dev server command (run with bash in the project folder), wait until its URL answers, then stop it. " +
  "Reports ready or not, HTTP status, time to ready, the start of the body and the server's last output lines. " +
  "Without url or port it waits for the server to print a local URL (http://localhost:3000 and the like).";

export const schema = {
  type: "object",
  properties: {
    command: { type: "string", minLength: 1, maxLength: 2000, description: "e.g. 'npm run dev'." },
    url: {
      type: "string",
      pattern: "^https?://",
      maxLength: 2000,
      description: "URL to poll, e.g. http://127.0.0.1:3000/health.",
    },
    port: { type: "integer", minimum: 1, maximum: 65535, description: "Poll http://127.0.0.1:<port>/." },
    timeout_ms: {
      type: "integer",
      minimum: 1000,
      maximum: 120000,
      description: "How long to wait for an answer (default 30000).",
    },
  },
  required: ["command"],
  additionalProperties: false,
};

export const requires = ["bash"];
export const capabilities = {
  filesystem: "project",
  network: false,
  subprocess: true,
  env: ["PATH", "HOME"],
};

const POLL_MS = 200;
const GRACE_MS = 3000;
const KILL_WAIT_MS = 2000;
const BODY_BYTES = 2048;
const OUTPUT_KEEP_CHARS = 64 * 1024;
const TAIL_LINES = 30;
const MAX_LINE_CHARS = 300;

const server = (body, status = 200, route = "/") =>
  `require("http").createServer((q, s) => { s.statusCode = ${status}; s.end(${JSON.stringify(body)}); })` +
  `.listen(0, "127.0.0.1", function () { console.log("ready on http://127.0.0.1:" + this.address().port + "${route}"); });`;

export const examples = [
  {
    args: { command: `node -e '${server("hello from the test server")}'`, timeout_ms: 15000 },
    expect: {
      ok: true,
      result: { ready: true, status: 200, body_excerpt: "hello from the test server", stopped: true },
    },
  },
  {
    args: { command: "node server.js", timeout_ms: 15000 },
    files: { "server.js": server("still starting", 503, "/health") },
    expect: {
      ok: true,
      result: { ready: true, status: 503, body_excerpt: "still starting" },
      contains: "/health",
    },
  },
  {
    args: { command: "echo 'npm error Missing script: \"dev\"' >&2; exit 1", timeout_ms: 5000 },
    expect: { ok: false, error: "exited with code 1", contains: 'Missing script: "dev"' },
  },
  {
    args: { command: "echo booting; node -e 'setInterval(() => {}, 1000)'", timeout_ms: 1500 },
    expect: { ok: true, result: { ready: false, stopped: true }, contains: ["No local URL", "booting"] },
  },
];

function fail(error) {
  return { ok: false, error };
}

function message(error) {
  return error instanceof Error ? error.message : String(error);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function stripAnsi(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\r(?!\n)/g, "");
}

function outputTail(raw) {
  return stripAnsi(raw)
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(-TAIL_LINES)
    .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line));
}

/** The first local URL the server printed; 0.0.0.0 and [::] become loopback addresses we can reach. */
function detectUrl(raw) {
  const found = stripAnsi(raw).match(
    /\bhttps?:\/\/(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])(?::\d{1,5})?(?:\/[^\s"'<>`)\]]*)?/i,
  );
  if (!found) return null;
  return found[0]
    .replace(/[.,;:]+$/, "")
    .replace("//0.0.0.0", "//127.0.0.1")
    .replace("//[::]", "//[::1]");
}

/** One GET: { status, body, contentType } if anything answered, else { error }. */
function probe(url, timeoutMs) {
  return new Promise((resolve) => {
    const client = url.startsWith("https:") ? https : http;
    let settled = false;
    const finish = (value, request) => {
      if (settled) return;
      settled = true;
      request?.destroy();
      resolve(value);
    };
    let request;
    try {
      // connecting to a closed loopback port fails at once, so the timeout only bounds a slow answer
      request = client.get(
        url,
        { agent: false, timeout: timeoutMs, rejectUnauthorized: false },
        (response) => {
          const chunks = [];
          let size = 0;
          const done = () =>
            finish(
              {
                status: response.statusCode ?? 0,
                contentType: response.headers["content-type"],
                body: Buffer.concat(chunks).subarray(0, BODY_BYTES).toString("utf8"),
              },
              request,
            );
          response.on("data", (chunk) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= BODY_BYTES) done();
          });
          response.on("end", done);
          response.on("error", done);
          // a streaming body must not hold us: report what arrived within a second
          setTimeout(done, 1000).unref();
        },
      );
    } catch (error) {
      finish({ error: message(error) });
      return;
    }
    request.on("timeout", () => finish({ error: `no answer within ${timeoutMs} ms` }, request));
    request.on("error", (error) => finish({ error: error.code ?? error.message }, request));
  });
}

/** pids of the group's members that are not zombies, or null where /proc is unavailable. */
async function livingMembers(pgid) {
  let names;
  try {
    names = await readdir("/proc");
  } catch {
    return null;
  }
  const members = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    // fields after the command name, which may itself contain spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(name));
  }
  return members;
}

/**
 * True while any process of the group lives. Zombies do not count: an orphaned zombie lingers until
 * PID 1 reaps it, which some sandboxes never do, yet it holds no port and runs no code.
 */
async function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  const members = await livingMembers(pgid);
  return members === null || members.length > 0;
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {}
}

/** The server lives while a group member lives, or while our own child is not yet reaped. */
async function serverAlive(state) {
  if (!state.child.pid) return false;
  if (state.exit === null && state.spawnError === null) return true;
  return groupAlive(state.child.pid);
}

async function waitGone(state, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await serverAlive(state))) return true;
    await sleep(50);
  }
  return !(await serverAlive(state));
}

/** SIGTERM, a grace period, then SIGKILL; says whether the group is gone and how. */
async function stopServer(state) {
  const pgid = state.child.pid;
  if (!pgid) return { stopped: true, how: "never started" };
  if (!(await serverAlive(state))) return { stopped: true, how: "already exited" };
  signalGroup(pgid, "SIGTERM");
  if (await waitGone(state, GRACE_MS)) return { stopped: true, how: "SIGTERM" };
  signalGroup(pgid, "SIGKILL");
  const gone = await waitGone(state, KILL_WAIT_MS);
  return { stopped: gone, how: "SIGKILL" };
}

function startServer(command) {
  const child = spawn("bash", ["-c", command], {
    cwd: process.cwd(),
    detached: true, // its own process group, so one signal reaches npm, the shell and the server
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BROWSER: "none", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const state = { child, output: "", exit: null, spawnError: null };
  const keep = (chunk) => {
    state.output = (state.output + chunk).slice(-OUTPUT_KEEP_CHARS);
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", (code, signal) => {
    state.exit = { code, signal };
  });
  child.on("error", (error) => {
    state.spawnError = message(error);
  });
  return state;
}

/** Polls until the URL answers, the server is gone, or time runs out. */
async function waitForServer(state, fixedUrl, timeoutMs) {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let url = fixedUrl;
  let lastError = null;
  while (Date.now() < deadline) {
    if (state.spawnError) return { kind: "spawn-error" };
    url ??= detectUrl(state.output);
    if (url) {
      const answer = await probe(url, Math.max(1000, deadline - Date.now()));
      if (!answer.error) return { kind: "ready", url, answer, ms: Date.now() - started };
      lastError = answer.error;
    }
    if (state.exit && !(await groupAlive(state.child.pid))) {
      // let the pipes deliver the last words
      await sleep(100);
      return { kind: "exited", url, ms: Date.now() - started };
    }
    await sleep(POLL_MS);
  }
  return { kind: "timeout", url, lastError, ms: Date.now() - started };
}

function exitText(exit) {
  if (!exit) return "stopped";
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function hintFor(output, exit) {
  if (/EADDRINUSE|address already in use/i.test(output)) return " The port is already in use.";
  if (exit?.code === 127) return " A command was not found (exit code 127).";
  return "";
}

export async function run(args) {
  if (args.url !== undefined && args.port !== undefined) return fail("Give url or port, not both.");
  const timeoutMs = args.timeout_ms ?? 30000;
  const fixedUrl = args.url ?? (args.port !== undefined ? `http://127.0.0.1:${args.port}/` : null);
  if (fixedUrl) {
    try {
      new URL(fixedUrl);
    } catch {
      return fail(`Invalid url: ${fixedUrl}`);
    }
    const before = await probe(fixedUrl, 1000);
    if (!before.error) {
      return fail(
        `Something already answers at ${fixedUrl} (HTTP ${before.status}) before the command started; ` +
          "stop it or use another port.",
      );
    }
  }

  let state = null;
  const killNow = () => {
    if (state?.child.pid) signalGroup(state.child.pid, "SIGKILL");
  };
  // if this process is told to stop, or exits, the server must not outlive it
  const onSignal = async (signal) => {
    killNow();
    // reap our child before leaving, so no zombie of ours outlives us
    for (let i = 0; i < 50 && state && state.exit === null && state.spawnError === null; i++) await sleep(20);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("exit", killNow);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, onSignal);

  try {
    state = startServer(args.command);
    const outcome = await waitForServer(state, fixedUrl, timeoutMs);
    const stop = await stopServer(state);
    const tail = outputTail(state.output);
    const stoppedNote = stop.stopped ? "" : " Warning: the server's processes could not be stopped.";

    if (outcome.kind === "spawn-error") return fail(`Could not start bash: ${state.spawnError}.`);
    if (outcome.kind === "exited") {
      const waitedFor = outcome.url ?? "a local URL in its output";
      const shownOutput = tail.length ? tail.join("\n") : "(no output)";
      return fail(
        `The command ${exitText(state.exit)} after ${(outcome.ms / 1000).toFixed(1)} s, before ${waitedFor} answered.` +
          `${hintFor(state.output, state.exit)}${stoppedNote} Last output:\n${shownOutput}`,
      );
    }
    if (outcome.kind === "ready") {
      const result = {
        ready: true,
        url: outcome.url,
        status: outcome.answer.status,
        ms_to_ready: outcome.ms,
        content_type: outcome.answer.contentType,
        body_excerpt: outcome.answer.body,
        output_tail: tail,
        stopped: stop.stopped,
        stopped_by: stop.how,
      };
      if (outcome.answer.status >= 500)
        result.note = "The server answered with an error status; see body_excerpt and output_tail.";
      if (!stop.stopped) result.note = stoppedNote.trim();
      return { ok: true, result };
    }
    const waited = `${(outcome.ms / 1000).toFixed(1)} s`;
    const note = outcome.url
      ? `No answer from ${outcome.url} within ${waited} (last error: ${outcome.lastError}); raise timeout_ms or check output_tail.`
      : `No local URL appeared in the output within ${waited}; pass url or port, or check output_tail.`;
    return {
      ok: true,
      result: {
        ready: false,
        url: outcome.url,
        waited_ms: outcome.ms,
        output_tail: tail,
        stopped: stop.stopped,
        stopped_by: stop.how,
        note: `${note}${stoppedNote}`,
      },
    };
  } catch (error) {
    return fail(`test_dev_server failed: ${message(error)}`);
  } finally {
    if (state && (await serverAlive(state))) await stopServer(state);
    if (state) {
      // a process that left the group may still hold our pipes open; do not let it keep us alive
      state.child.stdout?.destroy();
      state.child.stderr?.destroy();
      state.child.unref();
    }
    process.off("exit", killNow);
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.off(signal, onSignal);
  }
}
