import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../client";
import { createSession } from "./sessions";
import {
  activateToolVersion,
  createToolVersion,
  findToolVersion,
  listActiveToolVersions,
  listCatalogToolVersions,
  listTrialToolVersions,
  type NewToolVersion,
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

describe("listCatalogToolVersions", () => {
  it("reads in one statement what the active and the trial lists read in two, in their orders", async () => {
    const tag = randomUUID().slice(0, 8);
    const [mine, other] = await Promise.all(
      ["mine", "other"].map((title) =>
        createSession({ title, workspace: "/tmp", budgetUsd: null, model: "m" }),
      ),
    );
    const version = (name: string, status: NewToolVersion["status"], sessionId: string | null) =>
      createToolVersion({
        name,
        sha256: randomUUID().replaceAll("-", "").padEnd(64, "0"),
        source: "export {}",
        origin: "agent",
        status,
        description: "d",
        manifest: null,
        validation: { ok: true, checks: [], flags: [], examples: [], unavailable: null, durationMs: 1 },
        reason: null,
        sessionId,
      });
    // names out of order, a tool both active and on trial, two trials of one name, another
    // session's trial, versions no list shows
    const zeta = await version(`zeta_${tag}`, "proposed", mine?.id ?? null);
    await activateToolVersion(zeta.id, zeta.name, { by: "t" });
    await version(`zeta_${tag}`, "proposed", mine?.id ?? null);
    const alpha = await version(`alpha_${tag}`, "proposed", null);
    await activateToolVersion(alpha.id, alpha.name, { by: "t" });
    for (let i = 0; i < 3; i++) await version(`beta_${tag}`, "proposed", mine?.id ?? null);
    await version(`gamma_${tag}`, "proposed", other?.id ?? null);
    await version(`delta_${tag}`, "rejected", mine?.id ?? null);
    await version(`beta_${tag}`, "invalid", mine?.id ?? null);

    const sessionId = mine?.id ?? "";
    const [merged, active, trials] = await Promise.all([
      listCatalogToolVersions(sessionId),
      listActiveToolVersions(),
      listTrialToolVersions(sessionId),
    ]);
    // by name in code-unit order on both providers (PostgreSQL's collation may order `_` otherwise)
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    expect(merged).toEqual({ active: active.sort(byName), trials });
    const names = (rows: { name: string; version: number }[]) =>
      rows.filter((r) => r.name.endsWith(tag)).map((r) => `${r.name.split("_")[0]} v${r.version}`);
    expect(names(merged.active)).toEqual(["alpha v1", "zeta v1"]);
    // newest first, as the trial list orders them
    expect(names(merged.trials)).toEqual(["beta v3", "zeta v2"]);
  });
});
