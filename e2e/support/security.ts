/**
 * Helpers for the security suite (e2e/security): a private app server with its own scripted model
 * server and folders, bearer API calls, raw HTTP with oversized bodies, the event stream, and the
 * process table (/proc) to prove that nothing survived.
 */
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { STARTER_TOOLS } from "../../lib/tools/starter-hashes";
import { E2E, SECURITY } from "./constants";
import {
  createDirectiveHandler,
  type FakeLLM,
  type Handler,
  requestedSchema,
  startFakeLLM,
} from "./fake-llm";
import { type AppServer, startServer } from "./server";

export const auth = { authorization: `Bearer ${E2E.token}` };

export interface SecurityDirs {
  root: string;
  data: string;
  /** Outside the checkout (SECURITY.scratch): the app refuses a workspace inside itself. */
  scratch: string;
  /** The spec's one workspace root, in `scratch`. */
  workspace: string;
  tools: string;
  skills: string;
  home: string;
}

/**
 * Fresh private folders for one spec (removed at the start, kept afterwards for a post-mortem):
 * under test-results/, except the workspace, which must lie outside the checkout.
 */
export function securityDirs(name: string): SecurityDirs {
  const root = SECURITY.dir(name);
  const scratch = SECURITY.scratch(name);
  for (const dir of [root, scratch]) rmSync(dir, { recursive: true, force: true });
  const dirs = {
    root,
    data: path.join(root, "data"),
    scratch,
    workspace: path.join(scratch, "workspace"),
    tools: path.join(root, "tools"),
    skills: path.join(root, "skills"),
    home: path.join(root, "home"),
  };
  for (const dir of [dirs.workspace, dirs.tools, dirs.skills, dirs.home]) mkdirSync(dir, { recursive: true });
  return dirs;
}

/** The environment that points an app server at a spec's own model server and folders. */
export function securityEnv(dirs: SecurityDirs, llm: FakeLLM): Record<string, string> {
  return {
    OPENAI_BASE_URL: llm.url,
    RATCHET_WORKSPACE: dirs.workspace,
    RATCHET_WORKSPACE_ROOTS: dirs.workspace,
    RATCHET_TOOLS_DIR: dirs.tools,
    RATCHET_SKILLS_DIR: dirs.skills,
  };
}

export interface JsonResponse<T = unknown> {
  status: number;
  json: T;
  text: string;
  ms: number;
}

/** Bearer-authenticated JSON calls to one app server (no cookie, so no Origin check applies). */
export function apiClient(baseUrl: string, headers: Record<string, string> = auth) {
  const call = async <T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<JsonResponse<T>> => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON (an event stream, a page)
    }
    return { status: response.status, json: json as T, text, ms: performance.now() - started };
  };
  return {
    call,
    get: <T = Record<string, unknown>>(route: string) => call<T>("GET", route),
    post: <T = Record<string, unknown>>(route: string, body?: unknown) => call<T>("POST", route, body ?? {}),
    put: <T = Record<string, unknown>>(route: string, body?: unknown) => call<T>("PUT", route, body ?? {}),
    delete: <T = Record<string, unknown>>(route: string) => call<T>("DELETE", route),
  };
}
export type Api = ReturnType<typeof apiClient>;

export interface SecurityApp {
  app: AppServer;
  llm: FakeLLM;
  dirs: SecurityDirs;
  api: Api;
  url: string;
  stop(): Promise<void>;
}

/**
 * A private app server (SECURITY.appPort(offset)) with its own scripted model server
 * (SECURITY.llmPort(offset)) and folders under test-results/e2e-security/<name>.
 */
export async function startSecurityApp(opts: {
  name: string;
  offset: number;
  env?: Record<string, string>;
  handler?: Handler;
  launcher?: "next" | "npm-start";
  /** The address the app binds (default 127.0.0.1). */
  host?: string;
  /** Called with the fresh folders before the server starts (seed files, symlinks). */
  prepare?: (dirs: SecurityDirs) => void;
}): Promise<SecurityApp> {
  const dirs = securityDirs(opts.name);
  opts.prepare?.(dirs);
  const llm = await startFakeLLM({
    port: SECURITY.llmPort(opts.offset),
    handler: opts.handler ?? securityHandler(),
  });
  let app: AppServer;
  try {
    app = await startServer({
      port: SECURITY.appPort(opts.offset),
      dataDir: dirs.data,
      env: { ...securityEnv(dirs, llm), ...opts.env },
      ...(opts.launcher ? { launcher: opts.launcher } : {}),
      ...(opts.host ? { host: opts.host } : {}),
    });
  } catch (error) {
    await llm.close();
    throw error;
  }
  const api = apiClient(app.url);
  await bootSettled(api);
  return {
    app,
    llm,
    dirs,
    api,
    url: app.url,
    async stop() {
      await app.stop().catch(() => {});
      await llm.close().catch(() => {});
    },
  };
}

/**
 * Waits for the work a start leaves running in the background: with the sandbox on, the starter
 * tools are recorded a moment after the server answers, and a spec that compares the database
 * before and after a request must not see that land in between.
 */
async function bootSettled(api: Api): Promise<void> {
  const settings = await api.get<{ sandbox?: { mode?: string } }>("/api/settings");
  if (settings.json?.sandbox?.mode !== "on") return;
  const starters = Object.keys(STARTER_TOOLS);
  const until = Date.now() + 60_000;
  for (;;) {
    const tools = await api.get<{ tools?: Array<{ name: string }> }>("/api/tools");
    const names = new Set((tools.json?.tools ?? []).map((t) => t.name));
    if (starters.every((name) => names.has(name))) return;
    if (Date.now() > until) throw new Error(`the starter tools were not recorded within 60 s: ${tools.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Put in a user message, makes the model stream a few words and then hang (until the client goes). */
export const HANG_MID_STREAM = "HANG-MID-STREAM";

/** The directive handler, plus HANG_MID_STREAM: partial text, then nothing, with the stream open. */
export function securityHandler(): Handler {
  const directives = createDirectiveHandler();
  return (req) => {
    // a structured request (a reflection reading the transcript) is answered: only the agent's turn hangs
    const hangs = req.lastUserText.includes(HANG_MID_STREAM) && req.toolResults.length === 0;
    if (hangs && !requestedSchema(req.body))
      return { steps: [{ kind: "text", text: "partial answer before the hang " }, { kind: "hang" }] };
    return directives(req);
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions and turns through the HTTP API

export interface EventRecord {
  seq: number;
  type: string;
  [key: string]: unknown;
}

export async function createSession(api: Api, title: string, workspace?: string): Promise<string> {
  const res = await api.post<{ id: string }>("/api/sessions", { title, ...(workspace ? { workspace } : {}) });
  if (res.status !== 201) throw new Error(`create session: ${res.status} ${res.text}`);
  return res.json.id;
}

/** Polls until the session is no longer running. */
export async function waitForIdle(
  api: Api,
  id: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get<Record<string, unknown>>(`/api/sessions/${id}`);
    if (res.status === 200 && res.json.status !== "running") return res.json;
    if (Date.now() > until) throw new Error(`session ${id} still running after ${timeoutMs} ms: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends a message and waits for the turn to end; returns the session as the API shows it then. */
export async function runTurn(
  api: Api,
  id: string,
  text: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const sent = await api.post(`/api/sessions/${id}/messages`, { text });
  if (sent.status !== 202) throw new Error(`send message: ${sent.status} ${sent.text}`);
  return waitForIdle(api, id, timeoutMs);
}

/**
 * Reads a session's event stream (replay, then live) until `until` holds for what arrived, or the
 * timeout passes; the connection is closed either way.
 */
export function readEvents(
  baseUrl: string,
  id: string,
  opts: {
    until?: (events: EventRecord[]) => boolean;
    timeoutMs?: number;
    after?: number;
    /** Receives the stream's raw text as it arrives. */
    raw?: string[];
    headers?: Record<string, string>;
  } = {},
): Promise<EventRecord[]> {
  const until = opts.until ?? ((events) => events.some((e) => e.type === "turn-end"));
  return new Promise((resolve, reject) => {
    const events: EventRecord[] = [];
    let buffer = "";
    const req = http.get(
      `${baseUrl}/api/sessions/${id}/events?after=${opts.after ?? 0}`,
      { headers: opts.headers ?? auth },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          finish(new Error(`event stream: HTTP ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          opts.raw?.push(chunk);
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame
              .split("\n")
              .filter((l) => l.startsWith("data: "))
              .map((l) => l.slice(6))
              .join("\n");
            if (data) events.push(JSON.parse(data) as EventRecord);
          }
          if (until(events)) finish();
        });
      },
    );
    const timer = setTimeout(() => finish(), opts.timeoutMs ?? 10_000);
    let done = false;
    function finish(error?: Error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      if (error) reject(error);
      else resolve(events);
    }
    req.on("error", (error) => finish(error));
  });
}

/** The seq numbers must run 1, 2, 3, … with no gap and no repeat. */
export function seqProblems(events: EventRecord[]): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    if (event.seq !== i + 1) problems.push(`event ${i} has seq ${event.seq}, expected ${i + 1}`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP: forged headers and bodies fetch will not send

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request with any headers (Host, Origin: null, …); a body always carries its content-length
 * (Node would send a DELETE body unframed). An event stream is cut after its first bytes.
 */
export function httpRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        if (res.headers["content-type"]?.startsWith("text/event-stream")) res.destroy();
      });
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export interface SentResponse {
  status: number;
  body: string;
  ms: number;
  /** The request body could not be written to the end (the server answered and closed first). */
  writeError: string | null;
}

/**
 * Sends a request whose body is `size` bytes of `fill` (declared with content-length, or chunked),
 * and resolves with the response even when the server answers before it has read the body.
 */
export function sendLargeBody(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    size: number;
    chunked?: boolean;
    prefix?: string;
    fill?: string;
  },
): Promise<SentResponse> {
  const started = performance.now();
  const prefix = Buffer.from(opts.prefix ?? "");
  const chunk = Buffer.alloc(64 * 1024, opts.fill ?? "a");
  return new Promise((resolve, reject) => {
    let writeError: string | null = null;
    const headers: Record<string, string> = { ...opts.headers };
    if (!opts.chunked) headers["content-length"] = String(opts.size);
    const req = http.request(url, { method: opts.method ?? "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started, writeError });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      // the response may already be on its way; give it a moment before giving up
      writeError = error.message;
      setTimeout(() => reject(error), 2000).unref();
    });
    let sent = 0;
    const pump = () => {
      while (sent < opts.size && !req.destroyed) {
        const first = sent === 0 && prefix.length > 0;
        const piece = first ? prefix : chunk.subarray(0, Math.min(chunk.length, opts.size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

// ---------------------------------------------------------------------------------------------
// The process table

export interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmdline: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return {
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      state: fields[0] ?? "?",
      cmdline,
    };
  } catch {
    return null;
  }
}

/** Every live (non-zombie) process on the machine. */
export function processes(): Proc[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is Proc => p !== null && p.state !== "Z");
}

/** Live processes whose command line contains `text`. */
export function processesMatching(text: string): Proc[] {
  return processes().filter((p) => p.pid !== process.pid && p.cmdline.includes(text));
}

/** Live descendants of `pid` (not including it). */
export function descendants(pid: number, all: Proc[] = processes()): Proc[] {
  const found: Proc[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/**
 * Live descendants of `pid` that belong to commands: a sandbox kept ready for a session's next
 * command (lib/sandbox/prestart.ts; its shells wait for `__cmd`, or a tool host waits with
 * `--wait`) has run nothing, and it and what it started (its bridge) are left out.
 */
export function commandDescendants(pid: number): Proc[] {
  const all = processes();
  const under = descendants(pid, all);
  const ready = under.filter((p) => p.cmdline.includes("__cmd") || /tool-host\.mjs.*--wait/.test(p.cmdline));
  const kept = new Set([...ready, ...ready.flatMap((p) => descendants(p.pid, all))].map((p) => p.pid));
  return under.filter((p) => !kept.has(p.pid));
}

/** The `next start` server: the process itself, or the child scripts/start.mjs started. */
export function serverPid(app: AppServer): number {
  const self = readProc(app.pid);
  if (self && !self.cmdline.includes("scripts/start.mjs")) return app.pid;
  const child = descendants(app.pid).find((p) => /next-server|next start|\.bin\/next/.test(p.cmdline));
  if (!child) throw new Error(`no next-server under ${app.pid}`);
  return child.pid;
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** Open file descriptors of a process. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** What the process's descriptors point at (sockets, pipes, files), for a leak report. */
export function fdTargets(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return "?";
    }
  });
}

export function isAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== null && p.state !== "Z";
}

// ---------------------------------------------------------------------------------------------
// The database and the folders, to prove that a refused request changed nothing

/** Every row of every table of the app's SQLite database, as one comparable string per table. */
export function databaseSnapshot(dataDir: string, skip: string[] = []): Record<string, string> {
  const db = new Database(path.join(dataDir, "ratchet.db"), { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%' ORDER BY name",
      )
      .all() as Array<{ name: string }>;
    const snapshot: Record<string, string> = {};
    for (const { name } of tables) {
      if (skip.includes(name)) continue;
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      snapshot[name] = JSON.stringify(rows);
    }
    return snapshot;
  } finally {
    db.close();
  }
}

/** Runs a read-only query against the app's SQLite database. */
export function queryDatabase<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dataDir, "ratchet.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Every file and folder under `root` with its size and mtime (symlinks not followed). */
export function treeSnapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const info = statSync(full, { throwIfNoEntry: false });
      if (entry.isSymbolicLink()) {
        out.push(`${path.relative(root, full)} -> ${readlinkSync(full)}`);
        continue;
      }
      out.push(`${path.relative(root, full)} ${info?.size ?? "?"} ${info?.mtimeMs ?? "?"}`);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out.sort();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
