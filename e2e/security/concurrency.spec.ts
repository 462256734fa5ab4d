/**
 * Row 14 of the security suite (docs/security.md): eight sessions run turns at the same time through
 * the HTTP API (commands, streamed text, tool calls), each watched live over its event stream, while
 * a person edits skills and approves tools. Nothing may fail with `database is locked`, nothing may
 * be lost (every turn, message, event, skill version, approval and telemetry row is there), and every
 * session's events must be in order with no gap in their sequence numbers, the same live as on
 * replay. A private app server runs on SECURITY.appPort(4).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "../support/fixtures";
import {
  createSession,
  type EventRecord,
  type JsonResponse,
  queryDatabase,
  readEvents,
  runTurn,
  type SecurityApp,
  seqProblems,
  sleep,
  startSecurityApp,
  waitForIdle,
} from "../support/security";

const RUN = Date.now().toString(36);
const SESSIONS = 8;
const TURNS = 3;
const SKILLS = 4;
const EDITS = 6;
const TOOLS = 4;

let sec: SecurityApp;

const toolSource = (n: number) => `export const description = "Returns ${n}.";
export const schema = { type: "object", properties: {}, additionalProperties: false };
export const capabilities = { filesystem: "none" };
export const examples = [{ args: {}, expect: { result: ${n} } }];
export async function run() { return { ok: true, result: ${n} }; }
`;

const skillDoc = (name: string, edit: number) =>
  `---\nname: ${name}\ndescription: Skill ${name}, edit ${edit}.\n---\nStep ${edit}: do the thing.\n`;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  sec = await startSecurityApp({ name: "concurrency", offset: 4 });
});

test.afterAll(async () => {
  await sec?.stop();
});

test("row 14: eight sessions running turns at once, plus skill edits and tool approvals: no lock errors, nothing lost, events in order", async () => {
  test.setTimeout(300_000);
  // tools waiting for approval, proposed by the agent beforehand
  const proposer = await createSession(sec.api, "proposals");
  const proposals = Array.from({ length: TOOLS }, (_, i) => {
    const args = JSON.stringify({ name: `tool_${i}_${RUN}`, source: toolSource(i), reason: "load test" });
    return `[[tool: propose_tool ${args}]]`;
  });
  await runTurn(sec.api, proposer, proposals.join(" "), 120_000);
  const pending = await Promise.all(
    Array.from({ length: TOOLS }, async (_, i) => {
      const detail = await sec.api.get<{ versions: Array<{ sha256: string; status: string }> }>(
        `/api/tools/tool_${i}_${RUN}`,
      );
      expect(detail.json.versions[0]?.status).toBe("proposed");
      return { name: `tool_${i}_${RUN}`, sha256: detail.json.versions[0]?.sha256 ?? "" };
    }),
  );

  const statuses: number[] = [];
  const track = <T extends { status: number }>(res: T): T => {
    statuses.push(res.status);
    return res;
  };
  const ids = await Promise.all(
    Array.from({ length: SESSIONS }, (_, i) => createSession(sec.api, `load ${i}`)),
  );
  // a live viewer on every session for the whole run
  const expectedEnds = TURNS;
  const viewers = ids.map((id) =>
    readEvents(sec.url, id, {
      timeoutMs: 240_000,
      // each turn ends with turn-end, then the status going back to idle
      until: (events) =>
        events.filter((e) => e.type === "status" && e.status === "idle").length >= expectedEnds,
    }),
  );
  await sleep(500);

  const started = performance.now();
  const sessionsWork = ids.map(async (id, i) => {
    for (let turn = 0; turn < TURNS; turn++) {
      const text = [
        `[[cmd: for n in $(seq 1 40); do echo s${i}-t${turn}-line-$n; done]]`,
        `[[tool: run_command ${JSON.stringify({ command: `echo s${i}-t${turn}-second; ls` })}]]`,
        "[[slow: 12]]",
        `[[text: session ${i} turn ${turn} done]]`,
      ].join(" ");
      const sent = track(await sec.api.post(`/api/sessions/${id}/messages`, { text }));
      expect(sent.status, sent.text).toBe(202);
      await waitForIdle(sec.api, id, 180_000);
    }
  });
  const skillsWork = Array.from({ length: SKILLS }, async (_, s) => {
    const name = `skill-${s}-${RUN}`;
    let base: string | null = null;
    for (let edit = 0; edit < EDITS; edit++) {
      const saved: JsonResponse<{ sha256: string }> = track(
        await sec.api.put<{ sha256: string }>(`/api/skills/${name}`, {
          content: skillDoc(name, edit),
          ...(base ? { baseSha256: base } : {}),
        }),
      );
      expect([200, 201], saved.text).toContain(saved.status);
      base = saved.json.sha256;
      track(await sec.api.get("/api/skills"));
      await sleep(50);
    }
  });
  const approvals = pending.map(async ({ name, sha256 }, i) => {
    await sleep(300 * (i + 1));
    const approved = track(await sec.api.post(`/api/tools/${name}/approve`, { sha256 }));
    expect(approved.status, approved.text).toBe(200);
    track(await sec.api.get("/api/tools"));
  });
  await Promise.all([...sessionsWork, ...skillsWork, ...approvals]);
  const elapsedMs = performance.now() - started;
  const live = await Promise.all(viewers);

  // no request failed, and the server never hit a lock
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(sec.app.output()).not.toMatch(
    /database is locked|SQLITE_BUSY|telemetry write failed|turn crashed|unhandled/i,
  );

  for (const [i, id] of ids.entries()) {
    // every turn completed, with both commands' full output
    const replay = await readEvents(sec.url, id, { timeoutMs: 3000, until: () => false });
    expect(seqProblems(replay), `session ${i}`).toEqual([]);
    const ends = replay.filter((e) => e.type === "turn-end");
    expect(ends.map((e) => e.status)).toEqual(Array(TURNS).fill("completed"));
    const output = replay
      .filter((e) => e.type === "tool-output")
      .map((e) => e.chunk)
      .join("");
    for (let turn = 0; turn < TURNS; turn++) {
      expect(output).toContain(`s${i}-t${turn}-line-40`);
      expect(output).toContain(`s${i}-t${turn}-second`);
    }
    // each turn's events come in order: message, start, two calls each with their result, end
    const shape = replay
      .filter((e: EventRecord) =>
        ["user-message", "turn-start", "tool-call", "tool-result", "turn-end"].includes(e.type),
      )
      .map((e) => e.type);
    expect(shape).toEqual(
      Array(TURNS)
        .fill([
          "user-message",
          "turn-start",
          "tool-call",
          "tool-result",
          "tool-call",
          "tool-result",
          "turn-end",
        ])
        .flat(),
    );
    // the live viewer saw exactly what the replay shows
    expect(live[i]?.map((e) => `${e.seq}:${e.type}`)).toEqual(replay.map((e) => `${e.seq}:${e.type}`));
    // and the transcript has every message
    const session = await sec.api.get<{ messages: Array<{ role: string }> }>(`/api/sessions/${id}`);
    expect(session.json.messages.map((m) => m.role)).toEqual(Array(TURNS).fill(["user", "assistant"]).flat());
  }

  // every skill edit is a version, and the file is the last edit
  for (let s = 0; s < SKILLS; s++) {
    const name = `skill-${s}-${RUN}`;
    const versions = await sec.api.get<{ versions: unknown[] }>(`/api/skills/${name}/versions`);
    expect(versions.json.versions).toHaveLength(EDITS);
    expect(readFileSync(path.join(sec.dirs.skills, name, "SKILL.md"), "utf8")).toBe(
      skillDoc(name, EDITS - 1),
    );
  }
  // every approval stuck: active, and on disk
  for (const { name } of pending) {
    const detail = await sec.api.get<{ versions: Array<{ status: string }> }>(`/api/tools/${name}`);
    expect(detail.json.versions[0]?.status).toBe("active");
    expect(readFileSync(path.join(sec.dirs.tools, `${name}.mjs`), "utf8")).toContain(
      "export async function run",
    );
  }
  // every tool call reached telemetry
  await expect
    .poll(
      () =>
        queryDatabase<{ n: number }>(
          sec.dirs.data,
          `SELECT count(*) AS n FROM "ToolCall" WHERE "sessionId" IN (${ids.map(() => "?").join(",")})`,
          ...ids,
        )[0]?.n,
      { timeout: 15_000 },
    )
    .toBe(SESSIONS * TURNS * 2);
  test.info().annotations.push({
    type: "figures",
    description: JSON.stringify({
      sessions: SESSIONS,
      turns: SESSIONS * TURNS,
      commands: SESSIONS * TURNS * 2,
      skillSaves: SKILLS * EDITS,
      approvals: TOOLS,
      requests: statuses.length,
      elapsedMs: Math.round(elapsedMs),
    }),
  });
});
