import { listMcpServers, type McpServerRow, recordSeenTools } from "@/lib/db/queries/mcp-servers";
import type { McpTool } from "@/lib/db/schemas/mcp";
import { processState } from "@/lib/process-state";
import { maskSecrets } from "@/lib/sandbox";
import type { ToolOutcome } from "@/lib/tools/types";
import { type CallOptions, connect, type McpConnection } from "./connection";
import { promptOutcome, resourceListOutcome, resourceReadOutcome } from "./resources";
import { outcomeOf } from "./results";
import { hashToolList, MCP_TOOL_NAME, offerableTools, qualifiedName } from "./tool-list";

/** One MCP tool as the turn offers it: approved, unchanged, callable. */
export interface OfferedMcpTool {
  /** `<server>__<tool>`, the name the model calls. */
  name: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
  call(args: unknown, opts: CallOptions): Promise<ToolOutcome>;
}

/** An approved prompt of a server, loaded like a skill with its arguments. */
export interface OfferedMcpPrompt {
  server: string;
  name: string;
  description: string;
  /** The prompt's arguments as an input schema (all strings), as approved. */
  inputSchema: Record<string, unknown>;
  get(args: Record<string, string>, opts: CallOptions): Promise<ToolOutcome>;
}

/** A server whose resource reading was approved. */
export interface OfferedMcpResources {
  server: string;
  list(cursor: string | undefined, opts: CallOptions): Promise<ToolOutcome>;
  read(uri: string, opts: CallOptions): Promise<ToolOutcome>;
}

/** What a session may use of its servers now: approved, unchanged entries only. */
export interface McpOffer {
  tools: OfferedMcpTool[];
  prompts: OfferedMcpPrompt[];
  resources: OfferedMcpResources[];
}

/** One server's process (or HTTP session) for one session; restarted at most once after a crash. */
interface Live {
  row: McpServerRow;
  conn: McpConnection | null;
  starting: Promise<McpConnection> | null;
  restarts: number;
  /** Why it was lost, while it is down. */
  lostReason: string | null;
  /** The server was changed or removed: its tools of this turn fail, the next turn gets the new one. */
  retired: boolean;
}

const sessions = processState("mcp.sessions", () => new Map<string, Map<string, Live>>());
/** When each session last used its servers (a turn started or a call ran). */
const lastUsed = processState("mcp.lastUsed", () => new Map<string, number>());
/** A session's servers stop after this long unused; its next turn starts them again. */
export const MCP_IDLE_MS = Number(process.env.RATCHET_MCP_IDLE_MS) || 15 * 60_000;

/** Stops the servers of sessions unused for `idleMs` (a session left open does not keep them forever). */
export async function stopIdleSessions(now = Date.now(), idleMs = MCP_IDLE_MS): Promise<string[]> {
  const idle = [...lastUsed()].filter(([, at]) => now - at >= idleMs).map(([id]) => id);
  for (const id of idle) {
    lastUsed().delete(id);
    // the entries stay: a tool offered before starts its server again, still tracked here
    const lives = [...(sessions().get(id)?.values() ?? [])];
    await Promise.all(
      lives.map((live) => {
        const conn = live.conn;
        live.conn = null;
        return conn?.close();
      }),
    );
  }
  return idle;
}

const idleSweeper = processState("mcp.idleSweeper", () => {
  const timer = setInterval(() => void stopIdleSessions().catch(() => {}), 60_000);
  timer.unref();
  return timer;
});

function touch(sessionId: string): void {
  lastUsed().set(sessionId, Date.now());
  idleSweeper();
}

/** What happened to each server's processes since Ratchet started, for the health view. */
interface ServerEvents {
  crashes: number;
  restarts: number;
  lastCrash: { at: string; reason: string } | null;
}
const serverEvents = processState("mcp.serverEvents", () => new Map<string, ServerEvents>());

function eventsOf(name: string): ServerEvents {
  let events = serverEvents().get(name);
  if (!events) {
    events = { crashes: 0, restarts: 0, lastCrash: null };
    serverEvents().set(name, events);
  }
  return events;
}

/** Servers whose tools the model loaded in a session (progressive disclosure), for its later turns. */
const loaded = processState("mcp.loaded", () => new Map<string, Set<string>>());

export function loadedServers(sessionId: string): Set<string> {
  let set = loaded().get(sessionId);
  if (!set) {
    set = new Set();
    loaded().set(sessionId, set);
  }
  return set;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function start(live: Live, workspace: string): Promise<McpConnection> {
  const config = live.row.config;
  if (!config) throw new Error(`${live.row.name}: its stored configuration is not valid`);
  live.starting ??= connect({ name: live.row.name, config, secrets: live.row.secrets, workspace }).then(
    (conn) => {
      live.conn = conn;
      live.lostReason = null;
      live.starting = null;
      void conn.lost.then((why) => {
        if (live.conn !== conn) return;
        live.conn = null;
        live.lostReason = why;
        const events = eventsOf(live.row.name);
        events.crashes++;
        events.lastCrash = { at: new Date().toISOString(), reason: why.slice(0, 500) };
        console.error(`[ratchet] MCP server ${live.row.name} stopped: ${why}`);
      });
      return conn;
    },
    (error: unknown) => {
      live.starting = null;
      throw error;
    },
  );
  return live.starting;
}

/** The live connection, started or restarted (once per session after a crash). */
async function ensure(live: Live, workspace: string): Promise<McpConnection> {
  if (live.retired)
    throw new Error(`${live.row.name} was changed or removed; its tools return at the next turn`);
  if (live.conn) return live.conn;
  if (live.lostReason !== null) {
    if (live.restarts >= 1) {
      const message = `${live.row.name} crashed again and was not restarted: ${live.lostReason}`;
      await recordSeenTools(live.row.name, { error: message });
      throw new Error(message);
    }
    live.restarts++;
    eventsOf(live.row.name).restarts++;
    console.error(`[ratchet] restarting MCP server ${live.row.name} once after a crash`);
  }
  return start(live, workspace);
}

function classify(error: unknown, signal: AbortSignal): ToolOutcome {
  const message = errorText(error);
  if (signal.aborted)
    return { state: "error", output: "Cancelled.", summary: "cancelled", errorClass: "cancelled" };
  if (/timed out|timeout/i.test(message))
    return { state: "error", output: `Timed out: ${message}`, summary: "timed out", errorClass: "timeout" };
  return {
    state: "error",
    output: message,
    summary: `error: ${message.slice(0, 120)}`,
    errorClass: "tool_error",
  };
}

/**
 * One request to a session's server: started (or restarted once) as needed, its failure a tool
 * error, and what the server was given (header values, env values) masked out of the reply.
 */
async function invoke(
  live: Live,
  workspace: string,
  sessionId: string,
  signal: AbortSignal,
  request: (conn: McpConnection) => Promise<ToolOutcome>,
): Promise<ToolOutcome> {
  touch(sessionId);
  let conn: McpConnection;
  try {
    conn = await ensure(live, workspace);
  } catch (error) {
    return classify(error, signal);
  }
  try {
    // a server that dies fails its pending calls: the SDK rejects them when the transport closes
    const outcome = await request(conn);
    // a server may echo its own token back; executeCall masks only the session's secrets (and
    // every key-shaped string, so with no values of its own there is nothing to add here: the
    // scan costs a third of the per-call overhead, bench/mcp-overhead.ts)
    const secrets = [...conn.secrets];
    if (secrets.length === 0) return outcome;
    return {
      ...outcome,
      output: maskSecrets(outcome.output, secrets),
      summary: maskSecrets(outcome.summary, secrets),
    };
  } catch (error) {
    const outcome = classify(error, signal);
    if (!conn.alive())
      outcome.output = `${live.row.name} crashed during the call (it is restarted once, at the next call): ${outcome.output}`;
    return outcome;
  }
}

function offerTool(live: Live, tool: McpTool, workspace: string, sessionId: string): OfferedMcpTool {
  const server = live.row.name;
  return {
    name: qualifiedName(server, tool.name),
    server,
    tool: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    call: (args, opts) =>
      invoke(live, workspace, sessionId, opts.signal, async (conn) =>
        outcomeOf(qualifiedName(server, tool.name), await conn.callTool(tool.name, args, opts)),
      ),
  };
}

function offerPrompt(live: Live, prompt: McpTool, workspace: string, sessionId: string): OfferedMcpPrompt {
  const server = live.row.name;
  return {
    server,
    name: prompt.name,
    description: prompt.description,
    inputSchema: prompt.inputSchema,
    get: (args, opts) =>
      invoke(live, workspace, sessionId, opts.signal, async (conn) =>
        promptOutcome(server, prompt.name, await conn.getPrompt(prompt.name, args, opts)),
      ),
  };
}

function offerResources(live: Live, workspace: string, sessionId: string): OfferedMcpResources {
  const server = live.row.name;
  return {
    server,
    list: (cursor, opts) =>
      invoke(live, workspace, sessionId, opts.signal, async (conn) =>
        resourceListOutcome(server, await conn.listResources(cursor, opts)),
      ),
    read: (uri, opts) =>
      invoke(live, workspace, sessionId, opts.signal, async (conn) =>
        resourceReadOutcome(server, uri, await conn.readResource(uri, opts)),
      ),
  };
}

/**
 * What a session may use of its servers now. Each enabled server with an approval is started for
 * the session (a stdio one in the sandbox, in the session's workspace) and asked for its tools,
 * prompts and whether it has resources; that list is compared with what was approved: a new or
 * changed entry is withheld and the server's new list stored, so the Tools page shows it as
 * needing re-approval with a diff. With `only`, just that server is started and checked (a person
 * loading one of its prompts need not start the others).
 */
export async function sessionMcp(sessionId: string, workspace: string, only?: string): Promise<McpOffer> {
  touch(sessionId);
  const rows = (await listMcpServers()).filter(
    (r) => r.enabled && r.config && r.approvedSha256 && (only === undefined || r.name === only),
  );
  let byName = sessions().get(sessionId);
  if (!byName) {
    byName = new Map();
    sessions().set(sessionId, byName);
  }
  const offer: McpOffer = { tools: [], prompts: [], resources: [] };
  for (const row of rows) {
    let live = byName.get(row.name);
    if (!live || JSON.stringify(live.row.config) !== JSON.stringify(row.config)) {
      await live?.conn?.close();
      live = { row, conn: null, starting: null, restarts: 0, lostReason: null, retired: false };
      byName.set(row.name, live);
    }
    live.row = row;
    let seen: McpTool[];
    try {
      seen = await (await ensure(live, workspace)).listEntries();
    } catch (error) {
      await recordSeenTools(row.name, { error: errorText(error) });
      continue;
    }
    const sha256 = hashToolList(seen);
    if (sha256 !== row.seenSha256 || row.error) await recordSeenTools(row.name, { tools: seen, sha256 });
    for (const entry of offerableTools(seen, row.approvedTools)) {
      if (entry.kind === "prompt") offer.prompts.push(offerPrompt(live, entry, workspace, sessionId));
      else if (entry.kind === "resources") offer.resources.push(offerResources(live, workspace, sessionId));
      else if (MCP_TOOL_NAME.test(qualifiedName(row.name, entry.name)))
        offer.tools.push(offerTool(live, entry, workspace, sessionId));
    }
  }
  return offer;
}

/** The MCP tools a session may call now (see sessionMcp). */
export async function sessionMcpTools(sessionId: string, workspace: string): Promise<OfferedMcpTool[]> {
  return (await sessionMcp(sessionId, workspace)).tools;
}

/** Stops a session's servers (the session ended or was deleted). */
export async function stopSessionMcp(sessionId: string): Promise<void> {
  loaded().delete(sessionId);
  lastUsed().delete(sessionId);
  const byName = sessions().get(sessionId);
  if (!byName) return;
  sessions().delete(sessionId);
  await Promise.all([...byName.values()].map((live) => live.conn?.close()));
}

/** Stops one server in every session (it was changed or removed); the next turn starts it anew. */
export async function stopServerEverywhere(name: string): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const byName of sessions().values()) {
    const live = byName.get(name);
    byName.delete(name);
    if (live) live.retired = true;
    if (live?.conn) closing.push(live.conn.close());
  }
  await Promise.all(closing);
}

/** Stops every server of every session (the Ratchet server shuts down). */
export async function stopAllMcp(): Promise<void> {
  await Promise.all([...sessions().keys()].map(stopSessionMcp));
}

/** Running servers, for the Tools page's health column: server name → sessions it runs for. */
export function runningServers(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const byName of sessions().values())
    for (const [name, live] of byName) if (live.conn) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** One server's state for the health view: sessions it runs for now, and its crashes and restarts. */
export function serverState(name: string): ServerEvents & { running: number } {
  const events = serverEvents().get(name);
  return {
    running: runningServers().get(name) ?? 0,
    crashes: events?.crashes ?? 0,
    restarts: events?.restarts ?? 0,
    lastCrash: events?.lastCrash ?? null,
  };
}
