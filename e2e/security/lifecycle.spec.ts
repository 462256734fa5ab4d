/**
 * Rows 13 and 17 of the security suite (docs/security.md): the server is killed with SIGKILL in the
 * middle of turns (only its own pid, the way `kill -9 <pid>` or the OOM killer does it) and
 * restarted; and it is stopped with SIGTERM through `npm start`'s process tree. In both, turns are
 * running a command, a second command, and a model stream that hangs half-way. Afterwards no
 * process the server started may be left, the sessions must be `interrupted` with their transcripts
 * intact and their events in order, and SQLite's integrity check must pass.
 * Private app servers run on SECURITY.appPort(5).
 */
import path from "node:path";
import Database from "better-sqlite3";
import { SECURITY } from "../support/constants";
import { expect, test } from "../support/fixtures";
import {
  createSession,
  descendants,
  type EventRecord,
  HANG_MID_STREAM,
  isAlive,
  type Proc,
  processesMatching,
  queryDatabase,
  readEvents,
  runTurn,
  type SecurityApp,
  securityEnv,
  seqProblems,
  serverPid,
  sleep,
  startSecurityApp,
} from "../support/security";
import { type AppServer, startServer } from "../support/server";

const RUN = Date.now().toString(36);

interface Scene {
  sessions: { command: string; loop: string; hang: string };
  /** Everything the server had started while the turns ran (its descendants). */
  started: Proc[];
}

/** Three turns in flight: a long command, a looping command, a model stream that hangs mid-way. */
async function startTurns(sec: SecurityApp, tag: string): Promise<Scene> {
  const command = await createSession(sec.api, "long command");
  const loop = await createSession(sec.api, "looping command");
  const hang = await createSession(sec.api, "hung model");
  for (const [id, text] of [
    [command, `[[cmd: echo before-the-stop-${tag}; sleep 611 # ${tag}]]`],
    [loop, `[[cmd: while sleep 0.2; do echo tick; done # loop-${tag}]]`],
    [hang, `${HANG_MID_STREAM} tell me a story`],
  ] as const) {
    const sent = await sec.api.post(`/api/sessions/${id}/messages`, { text });
    expect(sent.status, sent.text).toBe(202);
  }
  await expect
    .poll(() => processesMatching(`sleep 611 # ${tag}`).length, { timeout: 30_000 })
    .toBeGreaterThan(0);
  await expect.poll(() => processesMatching(`loop-${tag}`).length, { timeout: 30_000 }).toBeGreaterThan(0);
  // the hung stream has delivered its first words
  await expect
    .poll(async () =>
      (await readEvents(sec.url, hang, { timeoutMs: 1000, until: () => false })).some(
        (e) => e.type === "text-delta",
      ),
    )
    .toBe(true);
  const started = descendants(serverPid(sec.app));
  return { sessions: { command, loop, hang }, started };
}

/** The started processes still alive (same pid, same command line). */
function survivors(started: Proc[]): Proc[] {
  const now = new Map(processesMatching("").map((p) => [p.pid, p]));
  return started.filter((p) => isAlive(p.pid) && now.get(p.pid)?.cmdline === p.cmdline);
}

function integrity(dataDir: string): string {
  const db = new Database(path.join(dataDir, "ratchet.db"), { readonly: true });
  try {
    return String(db.pragma("integrity_check", { simple: true }));
  } finally {
    db.close();
  }
}

async function checkInterrupted(sec: SecurityApp, scene: Scene, tag: string): Promise<void> {
  for (const id of Object.values(scene.sessions)) {
    const session = await sec.api.get<{
      status: string;
      messages: Array<{ role: string; parts: Array<{ type: string; text?: string; state?: string }> }>;
    }>(`/api/sessions/${id}`);
    expect(session.json.status, id).toBe("interrupted");
    // the transcript up to the stop is intact: the user's message, and the call marked as stopped
    expect(session.json.messages[0]?.role).toBe("user");
    const events = await readEvents(sec.url, id, { timeoutMs: 2000, until: () => false });
    expect(seqProblems(events)).toEqual([]);
    const ends = events.filter((e: EventRecord) => e.type === "turn-end");
    expect(ends.at(-1)).toMatchObject({ status: "interrupted" });
  }
  const command = await sec.api.get<{ messages: Array<{ parts: Array<{ type: string; state?: string }> }> }>(
    `/api/sessions/${scene.sessions.command}`,
  );
  expect(command.json.messages[1]?.parts[0]).toMatchObject({ type: "tool", state: "error" });
  const output = await readEvents(sec.url, scene.sessions.command, { timeoutMs: 2000, until: () => false });
  expect(JSON.stringify(output)).toContain(`before-the-stop-${tag}`);
  const hang = await readEvents(sec.url, scene.sessions.hang, { timeoutMs: 2000, until: () => false });
  const said = hang.filter((e) => e.type === "text-delta").map((e) => e.text);
  expect(said.join("")).toContain("partial answer before the hang");
}

test.describe.configure({ mode: "serial" });

test("row 13: kill -9 of the server mid-turn, then restart: no orphans, sessions interrupted, transcripts intact, integrity_check ok", async () => {
  test.setTimeout(180_000);
  const tag = `crash-${RUN}`;
  let sec = await startSecurityApp({ name: "crash", offset: 5 });
  let restarted: AppServer | undefined;
  try {
    const scene = await startTurns(sec, tag);
    const pid = serverPid(sec.app);
    expect(scene.started.length).toBeGreaterThan(3);
    process.kill(pid, "SIGKILL");
    await sec.app.exited();
    // whatever the server started dies with it: commands through their parent-death signal,
    // the sandbox through bwrap's --die-with-parent, the proxy bridges through theirs
    await expect
      .poll(() => survivors(scene.started).map((p) => p.cmdline.slice(0, 120)), { timeout: 10_000 })
      .toEqual([]);

    // restart on the same data
    const dirs = sec.dirs;
    const llm = sec.llm;
    restarted = await startServer({
      port: SECURITY.appPort(5),
      dataDir: dirs.data,
      env: securityEnv(dirs, llm),
    });
    sec = { ...sec, app: restarted };
    expect(restarted.output()).toContain("3 session(s) marked interrupted");
    await checkInterrupted(sec, scene, tag);
    expect(integrity(dirs.data)).toBe("ok");
    // the session carries on
    const after = await runTurn(sec.api, scene.sessions.command, "are you back?");
    expect(after.status).toBe("idle");
    expect(processesMatching(tag)).toEqual([]);
  } finally {
    await restarted?.stop();
    await sec.stop();
  }
});

test("row 17: SIGTERM to npm start: exit within 5 s, every child killed, running turns marked interrupted", async () => {
  test.setTimeout(180_000);
  const tag = `term-${RUN}`;
  let sec = await startSecurityApp({ name: "sigterm", offset: 5, launcher: "npm-start" });
  let restarted: AppServer | undefined;
  try {
    const scene = await startTurns(sec, tag);
    const launcher = sec.app.pid;
    const started = [
      ...scene.started,
      ...descendants(launcher).filter((p) => !scene.started.some((s) => s.pid === p.pid)),
    ];
    const t0 = performance.now();
    process.kill(launcher, "SIGTERM");
    const exit = await sec.app.exited();
    const tookMs = performance.now() - t0;
    expect(tookMs).toBeLessThan(5000);
    expect(exit.code === 0 || exit.signal === "SIGTERM" || exit.code === 143, JSON.stringify(exit)).toBe(
      true,
    );
    await sleep(300);
    expect(survivors(started).map((p) => p.cmdline.slice(0, 120))).toEqual([]);
    // marked interrupted by the server itself, before it exited (read straight from the database)
    const rows = queryDatabase<{ id: string; status: string }>(
      sec.dirs.data,
      'SELECT id, status FROM "Session" WHERE id IN (?, ?, ?)',
      ...Object.values(scene.sessions),
    );
    expect(rows.map((r) => r.status)).toEqual(["interrupted", "interrupted", "interrupted"]);
    const turns = queryDatabase<{ status: string }>(
      sec.dirs.data,
      'SELECT status FROM "Turn" WHERE "sessionId" IN (?, ?, ?)',
      ...Object.values(scene.sessions),
    );
    expect(turns.map((t) => t.status)).toEqual(["interrupted", "interrupted", "interrupted"]);
    expect(integrity(sec.dirs.data)).toBe("ok");
    test.info().annotations.push({
      type: "figures",
      description: JSON.stringify({ sigtermToExitMs: Math.round(tookMs) }),
    });

    // a restart finds nothing left to recover, and the transcripts read back intact
    restarted = await startServer({
      port: SECURITY.appPort(5),
      dataDir: sec.dirs.data,
      env: securityEnv(sec.dirs, sec.llm),
    });
    sec = { ...sec, app: restarted };
    expect(restarted.output()).not.toContain("marked interrupted");
    await checkInterrupted(sec, scene, tag);
  } finally {
    await restarted?.stop();
    await sec.stop();
  }
});
