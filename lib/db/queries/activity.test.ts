import { describe, expect, expectTypeOf, it } from "vitest";
import { GET as activityRoute } from "@/app/api/telemetry/activity/route";
import { GET as exportRoute } from "@/app/api/telemetry/export/route";
import {
  ACTIVITY_KINDS,
  type ActivityKind,
  type ActivityPage,
  type ActivityRow,
} from "@/lib/telemetry/activity";
import { activityPage } from "@/lib/telemetry/activity-feed";
import { db } from "../client";
import { listActivity, type ActivityKind as StoredKind } from "./activity";
import { createSession } from "./sessions";

// Rows here are stamped in 2013, one 10-day window per test, away from what other test files write;
// assertions look only at this file's sessions.
const DAY = 86_400_000;
let window = Date.UTC(2013, 0, 1);
function nextWindow(): number {
  window += 10 * DAY;
  return window;
}

const TOKEN = "unit-test-token-0123456789abcdef0123";

async function get(route: typeof activityRoute, path: string): Promise<Response> {
  const request = new Request(`http://127.0.0.1:3000${path}`, {
    headers: { host: "127.0.0.1:3000", authorization: `Bearer ${TOKEN}` },
  });
  return route(request, { params: Promise.resolve({}) });
}

async function page(query: Record<string, string>): Promise<ActivityPage> {
  const response = await get(activityRoute, `/api/telemetry/activity?${new URLSearchParams(query)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ActivityPage;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function newSession(title = "activity test") {
  return createSession({ title, workspace: "/tmp", budgetUsd: null, model: "m" });
}

/** One row of `kind` at `at` in the session; returns its id. */
async function add(kind: ActivityKind, sessionId: string, at: number, turnId = "turn-1"): Promise<string> {
  const createdAt = new Date(at);
  switch (kind) {
    case "tool_call":
      return (
        await db().toolCall.create({
          data: {
            sessionId,
            turnId,
            callId: "call-1",
            tool: "run_command",
            inputSummary: "npm test",
            ok: true,
            exitCode: 1,
            errorClass: "command_failed",
            durationMs: 1234,
            createdAt,
          },
        })
      ).id;
    case "model_step":
      return (
        await db().modelStep.create({
          data: {
            sessionId,
            turnId,
            step: 2,
            model: "gpt-test",
            inputTokens: 1500,
            outputTokens: 40,
            costUsd: 0.0012,
            durationMs: 900,
            createdAt,
          },
        })
      ).id;
    case "skill_load":
      return (
        await db().skillLoad.create({
          data: { sessionId, turnId, skill: "explore-codebase", kind: "loaded", trigger: null, createdAt },
        })
      ).id;
    case "friction":
      return (
        await db().friction.create({
          data: {
            sessionId,
            turnId,
            kind: "repeated_failure",
            detail: "npm test failed three times",
            outcome: "tool_built",
            toolName: "run_tests",
            createdAt,
          },
        })
      ).id;
    case "learning":
      return (
        await db().learningEvent.create({
          data: { sessionId, type: "correction", source: "user", description: "use pnpm", createdAt },
        })
      ).id;
    case "reflection":
      return (
        await db().reflection.create({
          data: { sessionId, status: "success", trigger: "end", summary: "went well", createdAt },
        })
      ).id;
  }
}

/** The stream's order, computed independently: time, then kind, then id, all descending. */
function expectedOrder(rows: { at: number; kind: ActivityKind; id: string }[]): string[] {
  const desc = (a: string, b: string) => (a === b ? 0 : a < b ? 1 : -1);
  return [...rows].sort((a, b) => b.at - a.at || desc(a.kind, b.kind) || desc(a.id, b.id)).map((r) => r.id);
}

const all = (since: number, until: number) => ({
  since: new Date(since),
  until: new Date(until),
  kinds: ACTIVITY_KINDS,
  limit: 1000,
});

describe("a failed tool call in the activity stream", () => {
  it("says why in its summary and carries the error in its data", async () => {
    const start = nextWindow();
    const s = await newSession("failed call");
    await db().toolCall.create({
      data: {
        sessionId: s.id,
        callId: "f1",
        tool: "find_todos",
        toolVersion: "v1",
        inputSummary: "{}",
        ok: false,
        errorClass: "tool_error",
        errorMessage: "Error: EACCES: open './.bash_profile'\n  at walk (find_todos.mjs:3:9)",
        durationMs: 40,
        createdAt: new Date(start),
      },
    });
    const { rows } = await activityPage({ ...all(start, start + DAY), sessionId: s.id });
    expect(rows[0]).toMatchObject({
      summary: "find_todos v1 {} → tool_error: Error: EACCES: open './.bash_profile' in 40 ms",
      data: { errorMessage: "Error: EACCES: open './.bash_profile'\n  at walk (find_todos.mjs:3:9)" },
    });
  });
});

describe("listActivity", () => {
  it("is read for every kind the API lists, and the API lists every kind it reads", () => {
    expectTypeOf<(typeof ACTIVITY_KINDS)[number]>().toEqualTypeOf<StoredKind>();
  });

  it("merges the six kinds newest first, each with its fields, session title and a summary", async () => {
    const start = nextWindow();
    const s = await newSession("merge order");
    const ids = new Map<ActivityKind, string>();
    for (const [i, kind] of ACTIVITY_KINDS.entries()) ids.set(kind, await add(kind, s.id, start + i * 1000));
    const { rows, nextCursor } = await activityPage({ ...all(start, start + DAY), sessionId: s.id });
    expect(nextCursor).toBeNull();
    expect(rows.map((r) => r.kind)).toEqual([...ACTIVITY_KINDS].reverse());
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r])) as Record<ActivityKind, ActivityRow>;
    expect(byKind.tool_call).toEqual({
      id: ids.get("tool_call"),
      at: iso(start),
      kind: "tool_call",
      sessionId: s.id,
      sessionTitle: "merge order",
      turnId: "turn-1",
      summary: "run_command npm test → exit 1 in 1.2 s",
      data: {
        tool: "run_command",
        toolVersion: "builtin",
        ok: true,
        errorClass: "command_failed",
        errorMessage: null,
        exitCode: 1,
        durationMs: 1234,
        inputSummary: "npm test",
      },
    });
    expect(byKind.model_step.data).toEqual({
      model: "gpt-test",
      step: 2,
      inputTokens: 1500,
      outputTokens: 40,
      costUsd: 0.0012,
      durationMs: 900,
    });
    expect(byKind.model_step.summary).toBe("gpt-test step 2: 1.5k in, 40 out, $0.0012, 900 ms");
    expect(byKind.skill_load.data).toEqual({ skill: "explore-codebase", kind: "loaded", trigger: null });
    expect(byKind.friction.summary).toBe(
      "repeated failure: npm test failed three times → tool_built (run_tests)",
    );
    expect(byKind.learning).toMatchObject({ turnId: null, summary: "correction from user: use pnpm" });
    expect(byKind.reflection).toMatchObject({
      at: iso(start + 5000),
      turnId: null,
      data: { status: "success", trigger: "end", summary: "went well", error: null, model: null },
    });
  });

  it("orders rows at the same time by kind, then id, both descending", async () => {
    const at = nextWindow();
    const s = await newSession();
    const rows: { at: number; kind: ActivityKind; id: string }[] = [];
    for (const kind of ["friction", "tool_call", "learning", "tool_call", "model_step", "friction"] as const)
      rows.push({ at, kind, id: await add(kind, s.id, at) });
    const result = await listActivity({ ...all(at, at + 1), sessionId: s.id });
    expect(result.rows.map((r) => r.id)).toEqual(expectedOrder(rows));
    expect(result.rows.map((r) => r.kind)).toEqual([
      "tool_call",
      "tool_call",
      "model_step",
      "learning",
      "friction",
      "friction",
    ]);
  });

  it("filters by kinds and by session, and keeps to [since, until)", async () => {
    const start = nextWindow();
    const a = await newSession();
    const b = await newSession();
    const inside = [
      await add("friction", a.id, start),
      await add("learning", a.id, start + 5000),
      await add("tool_call", a.id, start + 6000),
    ];
    await add("friction", b.id, start + 1000);
    await add("friction", a.id, start - 1); // before since
    await add("learning", a.id, start + 10_000); // at until: excluded
    const range = all(start, start + 10_000);

    const frictionAndLearning = await listActivity({
      ...range,
      kinds: ["friction", "learning"],
      sessionId: a.id,
    });
    expect(frictionAndLearning.rows.map((r) => r.id)).toEqual([inside[1], inside[0]]);

    const mine = new Set([a.id, b.id]);
    const frictions = (await listActivity({ ...range, kinds: ["friction"] })).rows.filter(
      (r) => r.sessionId && mine.has(r.sessionId),
    );
    expect(frictions.map((r) => r.sessionId)).toEqual([b.id, a.id]);

    const ofA = await listActivity({ ...range, sessionId: a.id });
    expect(ofA.rows.map((r) => r.id)).toEqual([inside[2], inside[1], inside[0]]);
    expect((await listActivity({ ...range, sessionId: "no-such-session" })).rows).toEqual([]);
  });

  it("pages backwards with the cursor through ties without gaps or repeats", async () => {
    const start = nextWindow();
    const sessions = [await newSession(), await newSession(), await newSession()];
    const mine = new Set(sessions.map((s) => s.id));
    const rows: { at: number; kind: ActivityKind; id: string }[] = [];
    // 4 distinct times, many kinds and rows per time: most page boundaries fall inside a tie
    const kinds = ["tool_call", "model_step", "skill_load", "friction", "learning"] as const;
    for (let i = 0; i < 40; i++) {
      const kind = kinds[(i * 7) % kinds.length] ?? "tool_call";
      const session = sessions[i % sessions.length] ?? sessions[0];
      const at = start + (i % 4) * 1000;
      if (session) rows.push({ at, kind, id: await add(kind, session.id, at) });
    }
    for (const [i, s] of sessions.entries()) {
      const at = start + (i % 2) * 1000;
      rows.push({ at, kind: "reflection", id: await add("reflection", s.id, at) });
    }
    const query = { since: iso(start), until: iso(start + DAY) };
    const whole = (await page({ ...query, limit: "1000" })).rows.filter(
      (r) => r.sessionId && mine.has(r.sessionId),
    );
    expect(whole.map((r) => r.id)).toEqual(expectedOrder(rows));

    for (const limit of [1, 3, 7, 10]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const next: ActivityPage = await page({
          ...query,
          limit: String(limit),
          ...(cursor ? { cursor } : {}),
        });
        expect(next.rows.length).toBeLessThanOrEqual(limit);
        seen.push(...next.rows.filter((r) => r.sessionId && mine.has(r.sessionId)).map((r) => r.id));
        cursor = next.nextCursor;
        pages++;
      } while (cursor && pages < 200);
      expect(cursor).toBeNull();
      expect(seen).toEqual(expectedOrder(rows));
    }
  });

  it("pages one session and one kind with the cursor", async () => {
    const start = nextWindow();
    const s = await newSession();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await add("tool_call", s.id, start + i));
    const first = await page({ range: "all", session: s.id, kinds: "tool_call", limit: "3" });
    expect(first.rows.map((r) => r.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await page({
      range: "all",
      session: s.id,
      kinds: "tool_call",
      limit: "3",
      cursor: first.nextCursor ?? "",
    });
    expect(second).toEqual({
      rows: [expect.objectContaining({ id: ids[1] }), expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    });
  });
});

describe("GET /api/telemetry/activity", () => {
  async function rejects(query: string, message: string | RegExp) {
    const response = await get(activityRoute, `/api/telemetry/activity?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(message);
  }

  it("answers 400 with the reason for bad kinds, limit, cursor, session or range", async () => {
    await rejects(
      "kinds=tool_call,bogus",
      /^kinds must be a comma-separated list of tool_call, .*\(unknown: bogus\)\.$/,
    );
    await rejects("kinds=", /^kinds must be/);
    await rejects("kinds=,", /^kinds must be/);
    for (const limit of ["0", "1001", "abc", "2.5"])
      await rejects(`limit=${limit}`, "limit must be an integer from 1 to 1000.");
    await rejects("cursor=not-a-cursor", /^cursor is not one this API returned/);
    const forged = Buffer.from(JSON.stringify(["2020-01-01T00:00:00.000Z", "nope", "x"])).toString(
      "base64url",
    );
    await rejects(`cursor=${forged}`, /^cursor is not one this API returned/);
    await rejects(`session=${"x".repeat(201)}`, "session must be a session id.");
    await rejects("range=1y", /^range must be one of/);
    await rejects("since=2020-01-02&until=2020-01-01", "until must be after since.");
  });

  it("defaults to 100 rows of every kind over the last 30 days", async () => {
    const s = await newSession();
    await add("learning", s.id, Date.now() - 60_000);
    const body = await page({ session: s.id });
    expect(body).toEqual({
      rows: [expect.objectContaining({ kind: "learning", sessionId: s.id })],
      nextCursor: null,
    });
  });
});

describe("GET /api/telemetry/export?dataset=activity", () => {
  it("streams the filtered stream as CSV and JSON", async () => {
    const start = nextWindow();
    const s = await newSession('export, "quoted"');
    await add("tool_call", s.id, start);
    await add("friction", s.id, start + 1000);
    const query = `dataset=activity&session=${s.id}&since=${iso(start)}&until=${iso(start + DAY)}`;

    const csv = await get(exportRoute, `/api/telemetry/export?${query}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toContain("ratchet-telemetry-activity-");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("at,kind,id,sessionId,sessionTitle,turnId,summary,data");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${iso(start + 1000)},friction,`);
    expect(lines[1]).toContain('"export, ""quoted"""');
    expect(lines[2]).toContain(`${iso(start)},tool_call,`);

    const json = await get(exportRoute, `/api/telemetry/export?${query}&format=json&kinds=tool_call`);
    const body = (await json.json()) as { activity: ActivityRow[] };
    expect(body.activity.map((r) => [r.kind, r.data])).toEqual([
      ["tool_call", expect.objectContaining({ tool: "run_command", ok: true, exitCode: 1 })],
    ]);
    expect((await get(exportRoute, `/api/telemetry/export?${query}&kinds=nope`)).status).toBe(400);
  });
});
