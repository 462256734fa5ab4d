import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { db } from "../client";
import type { Session, WorkingMemory } from "../generated/sqlite/client";
import { Prisma } from "../generated/sqlite/client";
import { columns, fromPrisma, list, render, selectRow, selectRows, sql, trusted } from "./driver-sql";
import { sessionCallHistory } from "./frictions";
import { takeLearningsForPrompt } from "./learning-events";
import { createMcpServer, findMcpServer, listMcpServers, recordSeenTools } from "./mcp-servers";
import { createMessage, listMessages, openAssistantMessage, openTurnWithMessage } from "./messages";
import { findSession, SESSION_ROW, setSessionStatus } from "./sessions";
import { readSetting, readSettings, writeSettings } from "./settings";
import { recordSkillLoads } from "./skills";
import {
  createToolVersion,
  listActiveToolVersions,
  listCatalogToolVersions,
  listTrialToolVersions,
} from "./tool-versions";
import { currentWorkingMemory, findWorkingMemory, saveWorkingMemory } from "./working-memory";

// the turn start's reads, compared with Prisma's reading of the same rows: a database of its own
const dropDatabase = await openPrivateDatabase();
afterAll(() => dropDatabase());

const HOSTILE = [
  `'; DROP TABLE "Session"; --`,
  `" OR 1=1 --`,
  "$1 ? ?? $2",
  "\\' \\u0000 \\x00",
  "é 🚀 \u202e",
];

describe("statements built by the sql tag", () => {
  it("number PostgreSQL's placeholders across nested fragments and lists, and bind every value", () => {
    const inner = sql`"b" = ${2} AND "c" IN ${list(["x", "y"])}`;
    const query = sql`SELECT ${trusted('"a"')} FROM "T" WHERE "a" = ${"one"} AND ${inner} AND "d" = ${true}`;
    expect(render(query, "postgres")).toMatchObject({
      sql: 'SELECT "a" FROM "T" WHERE "a" = $1 AND "b" = $2 AND "c" IN ($3, $4) AND "d" = $5',
      args: ["one", 2, "x", "y", true],
    });
    expect(render(query, "sqlite").sql).toBe(
      'SELECT "a" FROM "T" WHERE "a" = ? AND "b" = ? AND "c" IN (?, ?) AND "d" = ?',
    );
    expect(render(sql`"e" IN ${list([])}`, "sqlite")).toMatchObject({ sql: '"e" IN (NULL)', args: [] });
  });

  it("send a statement composed with Prisma.sql as Prisma would have: same text, same parameters", () => {
    const inner = Prisma.sql`"b" = ${2} AND "c" IN (${Prisma.join(["x", "y"])})`;
    const composed = Prisma.sql`SELECT 1 FROM "T" WHERE "a" = ${"one"} AND ${inner} AND "d" < ${new Date(0)}`;
    const query = fromPrisma(composed);
    expect(render(query, "postgres")).toMatchObject({ sql: composed.text, args: composed.values });
    expect(render(query, "sqlite").sql).toBe(composed.sql);
    expect(() => fromPrisma(Prisma.sql`SELECT ${BigInt(1)}`)).toThrow(/bigint cannot be bound/);
  });

  it.each(HOSTILE)("keep a hostile value a value: %j", async (value) => {
    const row = await selectRow({ v: "string" }, sql`SELECT ${value} AS "v"`);
    expect(row?.v).toBe(value);
    const none = await selectRows({ id: "string" }, sql`SELECT "id" FROM "Session" WHERE "title" = ${value}`);
    expect(none).toEqual([]);
    expect(await db().session.count()).toBeGreaterThanOrEqual(0);
  });

  it("refuse a value that is not what its column says, instead of passing it on", async () => {
    for (const text of ["x", "", " ", "0x1f", "Infinity", "1 2"])
      await expect(selectRow({ n: "int" }, sql`SELECT ${text} AS "n"`)).rejects.toThrow(/not int/);
    expect(await selectRow({ n: "float" }, sql`SELECT ${"-1.5e3"} AS "n"`)).toEqual({ n: -1500 });
    await expect(selectRow({ s: "string" }, sql`SELECT NULL AS "s"`)).rejects.toThrow(/is NULL/);
    await expect(selectRow({ a: "string", b: "string" }, sql`SELECT ${"a"} AS "a"`)).rejects.toThrow(
      /expected 2 columns/,
    );
    await expect(selectRow({ d: "datetime" }, sql`SELECT ${"not a date"} AS "d"`)).rejects.toThrow(
      /not a timestamp/,
    );
  });

  it("read timestamps in every stored spelling as UTC", async () => {
    const spellings = ["2026-12-06 19:49:18", "2026-12-06T19:49:18.000+00:00", "2026-12-06T20:49:18+01:00"];
    for (const text of spellings) {
      const row = await selectRow({ d: "datetime" }, sql`SELECT ${text} AS "d"`);
      expect(row?.d.toISOString()).toBe("2026-12-06T19:49:18.000Z");
    }
  });
});

describe("the turn start's reads through the driver", () => {
  it("read a session's row as Prisma does, every column and type", async () => {
    expectTypeOf<Awaited<ReturnType<typeof findSession>>>().toEqualTypeOf<Session | null>();
    const session = await db().session.create({
      data: {
        title: HOSTILE[0] ?? "",
        workspace: "/tmp/ws",
        model: null,
        budgetUsd: 1.25,
        costUsd: 0.1 + 0.2,
        inputTokens: 2_000_000_000,
        leaseExpiresAt: new Date("2026-01-02T03:04:05.678Z"),
      },
    });
    expect(await findSession(session.id)).toEqual(
      await db().session.findUnique({ where: { id: session.id } }),
    );
    expect(await findSession("nope")).toBeNull();
    await setSessionStatus(session.id, "ended", "done");
    const ended = await db().session.findUnique({ where: { id: session.id } });
    expect(ended).toMatchObject({ status: "ended", statusNote: "done" });
    expect(ended?.endedAt).toBeInstanceOf(Date);
    expect(await findSession(session.id)).toEqual(ended);
    await expect(setSessionStatus("nope", "idle")).rejects.toThrow(/No session nope/);
    expect(Object.keys(SESSION_ROW).sort()).toEqual(Object.keys(ended ?? {}).sort());
  });

  it("read the conversation as Prisma does: order, parts, superseded and unreadable parts left out", async () => {
    const session = await db().session.create({ data: { title: "c", workspace: "/tmp/ws" } });
    const { turnId, messageId } = await openTurnWithMessage(session.id, [
      { type: "text", text: HOSTILE.join(" ") },
      { type: "text", text: "second" },
    ]);
    const answer = await openAssistantMessage(session.id, turnId);
    await db().part.create({
      data: { messageId: answer, idx: 0, type: "text", data: { type: "text", text: "answer" } },
    });
    await db().part.create({ data: { messageId: answer, idx: 1, type: "text", data: { not: "a part" } } });
    const old = await createMessage({
      sessionId: session.id,
      role: "user",
      parts: [{ type: "text", text: "x" }],
    });
    await db().message.update({ where: { id: old.id }, data: { supersededAt: new Date() } });

    const prisma = await db().message.findMany({
      where: { sessionId: session.id, supersededAt: null },
      orderBy: { createdAt: "asc" },
      include: { parts: { orderBy: { idx: "asc" } } },
    });
    const read = await listMessages(session.id);
    expect(read.map((m) => m.id)).toEqual([messageId, answer]);
    expect(read.map(({ parts: _, ...m }) => m)).toEqual(prisma.map(({ parts: _, ...m }) => m));
    expect(read.map((m) => m.parts.map((p) => p.data))).toEqual([
      [
        { type: "text", text: HOSTILE.join(" ") },
        { type: "text", text: "second" },
      ],
      [{ type: "text", text: "answer" }],
    ]);
    const [first] = prisma;
    expect(read[0]?.parts.map(({ data: _, ...p }) => p)).toEqual(first?.parts.map(({ data: _, ...p }) => p));
    expect(await db().turn.findUnique({ where: { id: turnId } })).toMatchObject({
      status: "running",
      steps: 0,
    });
  });

  it("read settings, the working memory and the catalog as Prisma does", async () => {
    await writeSettings({ "a.b": { nested: [1, "two", null] }, "c.d": 3, "e.f": HOSTILE[1] });
    const snapshot = await readSettings(["a.b", "c.d", "e.f", "never.saved"]);
    for (const key of ["a.b", "c.d", "e.f"])
      expect(snapshot.values.get(key)).toEqual((await db().setting.findUnique({ where: { key } }))?.value);
    expect(snapshot.values.has("never.saved")).toBe(false);
    expect(snapshot.keys.has("never.saved")).toBe(true);

    await saveWorkingMemory("memory one", "user");
    const saved = await saveWorkingMemory("memory two", "maintenance");
    expectTypeOf<Awaited<ReturnType<typeof currentWorkingMemory>>>().toEqualTypeOf<WorkingMemory | null>();
    expect(await currentWorkingMemory()).toEqual(await findWorkingMemory(saved.version));

    const session = await db().session.create({ data: { title: "t", workspace: "/tmp/ws" } });
    const version = (name: string, status: "active" | "proposed", sessionId: string | null) =>
      createToolVersion({
        name,
        sha256: `sha-${name}-${status}`,
        source: "export default {}",
        origin: "agent",
        status,
        description: HOSTILE[2] ?? "",
        manifest: null,
        validation: {
          ok: true,
          checks: [],
          flags: [],
          examples: [],
          unavailable: null,
          durationMs: 1,
        },
        reason: null,
        sessionId,
      });
    await version("alpha", "active", null);
    await version("beta", "proposed", session.id);
    await version("beta", "proposed", session.id);
    await version("gamma", "proposed", null);
    const catalog = await listCatalogToolVersions(session.id);
    expect(catalog.active).toEqual(await listActiveToolVersions());
    expect(catalog.trials).toEqual(await listTrialToolVersions(session.id));
    expect(catalog.trials.map((t) => [t.name, t.version])).toEqual([["beta", 2]]);
  });

  it("read MCP servers, call history and learnings as Prisma does", async () => {
    await createMcpServer(
      "srv",
      { transport: "http", http: { url: "http://127.0.0.1:1/mcp" } },
      {
        Authorization: "Bearer x",
      },
    );
    await recordSeenTools("srv", {
      tools: [{ name: "t", description: HOSTILE[3] ?? "", inputSchema: { type: "object" } }],
      sha256: "s",
    });
    const [listed] = await listMcpServers();
    expect(listed).toEqual(await findMcpServer("srv"));

    const session = await db().session.create({ data: { title: "h", workspace: "/tmp/ws" } });
    for (const [i, ok] of [true, false].entries())
      await db().toolCall.create({
        data: {
          sessionId: session.id,
          callId: `call-${i}`,
          tool: "run_command",
          inputSummary: HOSTILE[i] ?? "",
          ok,
          exitCode: ok ? 0 : null,
          errorClass: ok ? null : "timeout",
          durationMs: 12 + i,
          createdAt: new Date(Date.now() + i),
        },
      });
    expect(await sessionCallHistory(session.id)).toEqual(
      await db().toolCall.findMany({
        where: { sessionId: session.id },
        orderBy: { createdAt: "asc" },
        select: {
          tool: true,
          inputSummary: true,
          ok: true,
          errorClass: true,
          durationMs: true,
          exitCode: true,
        },
      }),
    );

    await recordSkillLoads([
      { skill: "s1", sessionId: session.id, turnId: null, kind: "suggested", trigger: HOSTILE[4] },
      { skill: "s2", sessionId: null, turnId: null, kind: "loaded" },
    ]);
    const loads = await db().skillLoad.findMany({ orderBy: { skill: "asc" } });
    expect(loads.map((l) => [l.skill, l.sessionId, l.kind, l.trigger])).toEqual([
      ["s1", session.id, "suggested", HOSTILE[4]],
      ["s2", null, "loaded", null],
    ]);

    const other = await db().session.create({ data: { title: "o", workspace: "/tmp/ws" } });
    const at = new Date(Date.now() - 60_000);
    for (const [i, sessionId] of [other.id, null, session.id].entries())
      await db().learningEvent.create({
        data: {
          sessionId,
          type: "correction",
          source: "user",
          description: `l${i}`,
          createdAt: new Date(at.getTime() + i + 1),
        },
      });
    const taken = await takeLearningsForPrompt(session.id, at, 5, { countUse: false });
    expect(taken.map((l) => l.description)).toEqual(["l1", "l0"]);
  });

  it("leave a read's rows in the columns' order, a shape being the select list", () => {
    expect(render(sql`SELECT ${columns({ a: "string", b: "int?" }, "t")}`, "sqlite").sql).toBe(
      'SELECT "t"."a", "t"."b"',
    );
    expect(readSetting).toBeTypeOf("function");
  });
});
