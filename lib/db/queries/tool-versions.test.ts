import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../client";
import { createSession } from "./sessions";
import {
  activateToolVersion,
  createToolVersion,
  findToolVersion,
  listActiveToolVersions,
  returnToolVersionToQueue,
  toolVersionUsage,
} from "./tool-versions";

describe("returnToolVersionToQueue", () => {
  it("takes back a decision nobody made: the version is a proposal again, undecided, saying why", async () => {
    const name = `t_${randomUUID().slice(0, 8)}`;
    const created = await createToolVersion({
      name,
      sha256: "a".repeat(64),
      source: "export {}",
      origin: "user",
      status: "proposed",
      description: "d",
      manifest: null,
      validation: { ok: true, checks: [], flags: [], examples: [], unavailable: null, durationMs: 1 },
      reason: "found in the tools folder",
      sessionId: null,
    });
    await activateToolVersion(created.id, name, { by: "ratchet (first start)", reason: "shipped" });
    await returnToolVersionToQueue(created.id, "nobody approved it");
    expect(await findToolVersion(name, {})).toMatchObject({
      status: "proposed",
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      reason: "nobody approved it",
    });
    expect((await listActiveToolVersions()).map((v) => v.name)).not.toContain(name);
  });
});

describe("toolVersionUsage", () => {
  it("counts one version's calls and successes, and lists its newest failures with their errors", async () => {
    const name = `t_${randomUUID().slice(0, 8)}`;
    const { id: sessionId } = await createSession({
      title: "t",
      workspace: "/tmp",
      budgetUsd: null,
      model: "m",
    });
    const call = (i: number, toolVersion: string, ok: boolean) => ({
      sessionId,
      callId: `c${i}`,
      tool: name,
      toolVersion,
      inputSummary: "{}",
      ok,
      errorClass: ok ? null : "tool_error",
      errorMessage: ok ? null : `Error: failure ${i}`,
      durationMs: 1,
      outputBytes: 1,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    });
    await db().toolCall.createMany({
      data: [
        call(1, "v1", false),
        call(2, "v1", true),
        call(3, "v1", false),
        call(4, "v1", false),
        call(5, "v1", false),
        call(6, "v2", false),
      ],
    });
    const usage = await toolVersionUsage(name, 1);
    expect(usage).toMatchObject({ calls: 5, successes: 1 });
    expect(usage.lastFailures.map((f) => f.errorMessage)).toEqual([
      "Error: failure 5",
      "Error: failure 4",
      "Error: failure 3",
    ]);
    expect(usage.lastFailures[0]).toMatchObject({ sessionId, errorClass: "tool_error" });
    expect(await toolVersionUsage(name, 3)).toMatchObject({ calls: 0, successes: 0, lastFailures: [] });
  });
});
