import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { db, type Prisma } from "../client";
import { listAuditEntries } from "./audit-log";
import { listEventsAfter } from "./events";
import { findMaintenanceRun } from "./maintenance";
import { createMessage, failRunningToolParts, lastAssistantParts, listMessages } from "./messages";
import { createSession } from "./sessions";
import { readSetting } from "./settings";
import { findToolVersionById } from "./tool-versions";

// Every JSON column is read through its schema where it leaves lib/db. Rows here are written past
// the app (by hand, by another version, by anyone with the database file): each must come back as
// a safe default, never as a value of the wrong type. Rows other test files could see (tool
// versions, battery changes, audit entries, settings) are kept out of their way and removed.

const newSession = () => createSession({ title: "t", workspace: "/tmp", budgetUsd: null, model: "m" });
const json = (value: unknown) => value as Prisma.InputJsonValue;

/** Shapes that are no object of any kind: each column gets these as well as its near misses. */
const NOT_OBJECTS: [string, unknown][] = [
  ["a string", "text"],
  ["a number", 42],
  ["a boolean", true],
  ["an array", [1, 2]],
  ["an empty object", {}],
];

const LONG_AGO = new Date("2001-01-01T00:00:00.000Z");
const written = {
  toolVersions: [] as string[],
  runs: [] as string[],
  audit: [] as string[],
  settings: [] as string[],
};

beforeEach(() => {
  // the setting reader says what it ignored; these tests ignore plenty
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db().toolVersion.deleteMany({ where: { id: { in: written.toolVersions.splice(0) } } });
  await db().maintenanceRun.deleteMany({ where: { id: { in: written.runs.splice(0) } } });
  await db().auditLog.deleteMany({ where: { id: { in: written.audit.splice(0) } } });
  await db().setting.deleteMany({ where: { key: { in: written.settings.splice(0) } } });
});

describe("Event.data", () => {
  const MALFORMED: [string, string, unknown][] = [
    ...NOT_OBJECTS.map(([what, data]): [string, string, unknown] => [what, "text-delta", data]),
    ["a field of the wrong type", "text-delta", { text: 5 }],
    ["a required field missing", "tool-result", { callId: "c", tool: "t", state: "completed", ok: true }],
    ["a value outside its enum", "status", { status: "hijacked" }],
    ["a type no version wrote", "run-this", { command: "rm -rf /" }],
  ];

  it.each(MALFORMED)("keeps its seq as a warning when the stored event is %s", async (_, type, data) => {
    const { id } = await newSession();
    const at = new Date("2031-01-01T00:00:00.000Z");
    await db().event.createMany({
      data: [
        { sessionId: id, seq: 1, type: "text-delta", data: { text: "before" }, createdAt: at },
        { sessionId: id, seq: 2, type, data: json(data), createdAt: at },
        { sessionId: id, seq: 3, type: "text-delta", data: { text: "after" }, createdAt: at },
      ],
    });
    const events = await listEventsAfter(id, 0, 10);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]).toMatchObject({ type: "text-delta", text: "before" });
    expect(events[1]).toEqual({
      type: "notice",
      level: "warn",
      message: `Event 2 (${type}) could not be read.`,
      seq: 2,
      at: at.toISOString(),
    });
    expect(events[2]).toMatchObject({ type: "text-delta", text: "after" });
    // a page that ends on it still moves the reader's cursor past it
    expect((await listEventsAfter(id, 1, 1)).map((e) => e.seq)).toEqual([2]);
  });

  it("drops fields an event of its type does not have", async () => {
    const { id } = await newSession();
    await db().event.create({
      data: {
        sessionId: id,
        seq: 1,
        type: "text-delta",
        data: { text: "hi", html: "<script>" },
        createdAt: LONG_AGO,
      },
    });
    expect(await listEventsAfter(id, 0, 10)).toEqual([
      { type: "text-delta", text: "hi", seq: 1, at: LONG_AGO.toISOString() },
    ]);
  });
});

describe("Part.data", () => {
  const MALFORMED: [string, unknown][] = [
    ...NOT_OBJECTS,
    ["a text part without text", { type: "text" }],
    ["a text part whose text is a number", { type: "text", text: 7 }],
    ["a tool part without its call", { type: "tool", tool: "run_command", state: "running" }],
    ["a tool part in an unknown state", { type: "tool", callId: "c", tool: "t", input: {}, state: "owned" }],
    ["a part type no version wrote", { type: "image", url: "http://x" }],
  ];

  it.each(MALFORMED)("leaves out a part stored as %s, keeping the others", async (_, data) => {
    const { id } = await newSession();
    const message = await createMessage({
      sessionId: id,
      role: "assistant",
      parts: [{ type: "text", text: "kept" }],
    });
    await db().part.create({ data: { messageId: message.id, idx: 1, type: "tool", data: json(data) } });
    await db().part.create({
      data: { messageId: message.id, idx: 2, type: "text", data: { type: "text", text: "also kept" } },
    });
    const [stored] = await listMessages(id);
    expect(stored?.parts.map((p) => p.data)).toEqual([
      { type: "text", text: "kept" },
      { type: "text", text: "also kept" },
    ]);
    expect(await lastAssistantParts(id, 8)).toEqual([
      { type: "text", text: "also kept" },
      { type: "text", text: "kept" },
    ]);
    // crash recovery passes over it instead of failing on it
    await failRunningToolParts(id, "stopped");
    expect((await db().part.findFirst({ where: { messageId: message.id, idx: 1 } }))?.data).toEqual(data);
  });
});

describe("Setting.value", () => {
  const schema = z.object({ threshold: z.number().int(), mode: z.enum(["a", "b"]) });

  it.each([
    ...NOT_OBJECTS,
    ["a field of the wrong type", { threshold: "10", mode: "a" }],
    ["a value outside its enum", { threshold: 10, mode: "admin" }],
    ["a field missing", { threshold: 10 }],
  ])("reads a setting stored as %s as not saved, and says so", async (_, value) => {
    const key = `test.${randomUUID()}`;
    written.settings.push(key);
    await db().setting.create({ data: { key, value: json(value) } });
    expect(await readSetting(key, schema)).toBeUndefined();
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining(`setting ${key} is not in the expected shape`),
    );
  });

  it("reads a well-formed one as its schema's output", async () => {
    const key = `test.${randomUUID()}`;
    written.settings.push(key);
    await db().setting.create({ data: { key, value: { threshold: 10, mode: "b", extra: true } } });
    expect(await readSetting(key, schema)).toEqual({ threshold: 10, mode: "b" });
    expect(await readSetting(`${key}.missing`, schema)).toBeUndefined();
  });
});

describe("ToolVersion.manifest and .validation", () => {
  const capabilities = { filesystem: "project", network: false, subprocess: false, env: [] };
  const manifest = { description: "d", schema: { type: "object" }, capabilities, requires: [], examples: 0 };
  const report = { ok: true, checks: [], flags: [], examples: [], unavailable: null, durationMs: 1 };

  async function stored(data: { manifest?: unknown; validation?: unknown }) {
    const row = await db().toolVersion.create({
      data: {
        name: `t_${randomUUID().slice(0, 8)}`,
        version: 1,
        sha256: "a".repeat(64),
        source: "export {}",
        origin: "user",
        status: "retired",
        description: "d",
        manifest: json(data.manifest ?? manifest),
        validation: json(data.validation ?? report),
      },
    });
    written.toolVersions.push(row.id);
    return findToolVersionById(row.id);
  }

  it.each([
    ...NOT_OBJECTS,
    ["subprocess as a string", { ...manifest, capabilities: { ...capabilities, subprocess: "yes" } }],
    ["network as a string", { ...manifest, capabilities: { ...capabilities, network: "*" } }],
    ["a capability no version declares", { ...manifest, capabilities: { ...capabilities, root: true } }],
    [
      "env naming something else than a variable",
      { ...manifest, capabilities: { ...capabilities, env: ["A;B"] } },
    ],
    ["no capabilities", { ...manifest, capabilities: undefined }],
    ["a schema that is no object", { ...manifest, schema: "any" }],
    ["requires as a string", { ...manifest, requires: "git" }],
  ])("reads a manifest stored as %s as none: the version cannot be called", async (_, bad) => {
    const version = await stored({ manifest: bad });
    expect(version?.manifest).toBeNull();
    expect(version?.validation).toEqual(report);
  });

  it.each([
    ...NOT_OBJECTS,
    ["ok as a string", { ...report, ok: "true" }],
    ["a check in an unknown status", { ...report, checks: [{ id: "load", label: "l", status: "fine" }] }],
    ["no examples", { ...report, examples: undefined }],
  ])("reads a report stored as %s as none", async (_, bad) => {
    const version = await stored({ validation: bad });
    expect(version?.validation).toBeNull();
    expect(version?.manifest).toEqual(manifest);
  });
});

describe("MaintenanceRun.analysis and .results", () => {
  const analysis = {
    window: { since: null, sessions: 0 },
    tools: [],
    unusedTools: [],
    unusedSkills: [],
    repeatedCommands: [],
    learningClusters: [],
    unconvertedFrictions: [],
    hypotheses: [],
    topSmallItem: null,
  };

  async function stored(data: { analysis: unknown; results: unknown }) {
    const { id: sessionId } = await newSession();
    const row = await db().maintenanceRun.create({
      data: {
        sessionId,
        status: "failed",
        analysis: json(data.analysis),
        results: json(data.results),
        startedAt: LONG_AGO,
      },
    });
    written.runs.push(row.id);
    return findMaintenanceRun(row.id);
  }

  it.each([
    ...NOT_OBJECTS,
    ["its top item without an id", { ...analysis, topSmallItem: { title: "t", impact: "H" } }],
    ["tools as an object", { ...analysis, tools: { run_command: 1 } }],
  ])("reads an analysis stored as %s as none", async (_, bad) => {
    const run = await stored({ analysis: bad, results: { nudged: true } });
    expect(run?.analysis).toBeNull();
    expect(run?.results).toEqual({ nudged: true });
  });

  it.each([
    ["a string", "text"],
    ["an array", [1]],
    ["nudged as a string", { nudged: "yes" }],
  ])("reads results stored as %s as none", async (_, bad) => {
    const run = await stored({ analysis, results: bad });
    expect(run?.results).toBeNull();
    expect(run?.analysis).toEqual(analysis);
  });
});

describe("AuditLog.detail", () => {
  it.each([
    ["a string", "text"],
    ["a number", 42],
    ["an array", [{ role: "admin" }]],
  ])("reads a detail stored as %s as none", async (_, bad) => {
    const target = `audit-${randomUUID()}`;
    const row = await db().auditLog.create({
      data: { at: LONG_AGO, actor: "a", action: "user.role", target, detail: json(bad) },
    });
    written.audit.push(row.id);
    const [entry] = await listAuditEntries({ target, take: 10 });
    expect(entry).toMatchObject({ target, detail: null });
  });

  it("keeps an object detail as it is", async () => {
    const target = `audit-${randomUUID()}`;
    const row = await db().auditLog.create({
      data: { at: LONG_AGO, actor: "a", action: "user.role", target, detail: { from: "viewer" } },
    });
    written.audit.push(row.id);
    expect((await listAuditEntries({ target, take: 10 }))[0]?.detail).toEqual({ from: "viewer" });
  });
});
