import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BUILTIN_NAMES } from "@/lib/agent/tools/builtin-names";
import { BUILTIN_TOOLS } from "@/lib/agent/tools/registry";
import { db } from "@/lib/db/client";
import { createSession } from "@/lib/db/queries/sessions";
import { listToolVersions } from "@/lib/db/queries/tool-versions";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { loadCatalog } from "./catalog";
import {
  approveTool,
  nameProblem,
  proposeTool,
  rejectTool,
  retireTool,
  rollbackTool,
  sha256,
  syncToolsFromDisk,
} from "./lifecycle";
import { toolFile } from "./paths";

const tool = (n: number) => `
export const description = "Returns ${n}.";
export const schema = { type: "object", properties: {}, additionalProperties: false };
export const capabilities = { filesystem: "none" };
export const examples = [{ args: {}, expect: { ok: true, result: ${n} } }];
export async function run() { return { ok: true, result: ${n} }; }
`;

let sessionId: string;

beforeAll(async () => {
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
});

beforeEach(async () => {
  await db().toolVersion.deleteMany();
  const workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-ws-"));
  sessionId = (await createSession({ title: "t", workspace, budgetUsd: null, model: "m" })).id;
});

describe("names", () => {
  it("match the pattern and never shadow a built-in", () => {
    expect(BUILTIN_NAMES).toEqual(BUILTIN_TOOLS.map((t) => t.name));
    expect(nameProblem("run_command", BUILTIN_NAMES)).toMatch(/built-in/);
    for (const bad of ["Ab", "a", "1abc", "a-b", "../x", "a/b", "x".repeat(65)])
      expect(nameProblem(bad, BUILTIN_NAMES)).not.toBeNull();
    expect(nameProblem("count_lines", BUILTIN_NAMES)).toBeNull();
  });
});

describe("lifecycle", () => {
  it("stages a proposal that only its session can call until approved", async () => {
    const { version, report } = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent", reason: "testing" },
      BUILTIN_NAMES,
    );
    expect(report.ok).toBe(true);
    expect(version).toMatchObject({ status: "proposed", version: 1, sha256: sha256(tool(1)) });
    expect((await loadCatalog(sessionId)).callable.map((t) => [t.name, t.trial])).toEqual([["one", true]]);
    const other = await createSession({ title: "o", workspace: os.tmpdir(), budgetUsd: null, model: "m" });
    expect((await loadCatalog(other.id)).callable).toEqual([]);
    expect(existsSync(toolFile("one"))).toBe(false);
  });

  it("approves the exact hash, writes the file and makes it callable everywhere", async () => {
    const { version } = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await expect(approveTool("one", "0".repeat(64), "tester")).rejects.toThrow(/No version/);
    const active = await approveTool("one", version.sha256, "tester");
    expect(active).toMatchObject({ status: "active", decidedBy: "tester" });
    expect(readFileSync(toolFile("one"), "utf8")).toBe(tool(1));
    const other = await createSession({ title: "o", workspace: os.tmpdir(), budgetUsd: null, model: "m" });
    expect((await loadCatalog(other.id)).callable.map((t) => [t.name, t.trial])).toEqual([["one", false]]);
    await expect(approveTool("one", version.sha256, "tester")).rejects.toThrow(/already active/);
  });

  it("does not store a failing proposal as callable", async () => {
    const { version, report } = await proposeTool(
      { name: "broken", source: tool(1).replace("result: 1 }", "result: 2 }"), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    expect(report.ok).toBe(false);
    expect(version.status).toBe("invalid");
    expect((await loadCatalog(sessionId)).callable).toEqual([]);
    await expect(approveTool("broken", version.sha256, "tester")).rejects.toThrow(/invalid/);
  });

  it("rejects with a reason that becomes a learning event", async () => {
    const { version } = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await rejectTool("one", version.sha256, "use the existing list_files instead", "tester");
    const learning = await db().learningEvent.findFirst({
      where: { sessionId },
      orderBy: { createdAt: "desc" },
    });
    expect(learning).toMatchObject({ type: "correction", source: "user" });
    expect(learning?.description).toContain("use the existing list_files instead");
    expect((await loadCatalog(sessionId)).callable).toEqual([]);
  });

  it("refuses a file edited on disk after approval, and queues the edit", async () => {
    const { version } = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await approveTool("one", version.sha256, "tester");
    writeFileSync(toolFile("one"), tool(9));
    const catalog = await loadCatalog(sessionId);
    expect(catalog.callable).toEqual([]);
    expect(catalog.refused[0]?.reason).toMatch(/needs re-approval/);
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.needsApproval).toEqual(["one"]);
    const versions = await listToolVersions("one");
    expect(versions[0]).toMatchObject({
      version: 2,
      status: "proposed",
      origin: "user",
      sha256: sha256(tool(9)),
    });
    expect(versions[0]?.reason).toMatch(/re-approval/);
  });

  it("retires a tool and rolls back to an earlier approved version", async () => {
    const v1 = await proposeTool({ name: "one", source: tool(1), sessionId, origin: "agent" }, BUILTIN_NAMES);
    await approveTool("one", v1.version.sha256, "tester");
    const v2 = await proposeTool({ name: "one", source: tool(2), sessionId, origin: "agent" }, BUILTIN_NAMES);
    expect(v2.version.parentId).toBe(v1.version.id);
    await approveTool("one", v2.version.sha256, "tester");
    expect((await listToolVersions("one")).map((v) => v.status)).toEqual(["active", "superseded"]);
    await rollbackTool("one", 1, "tester");
    expect(readFileSync(toolFile("one"), "utf8")).toBe(tool(1));
    expect((await listToolVersions("one")).map((v) => v.status)).toEqual(["superseded", "active"]);
    await retireTool("one", "tester");
    expect(existsSync(toolFile("one"))).toBe(false);
    expect((await loadCatalog(sessionId)).callable).toEqual([]);
  });

  it("trusts the shipped tools folder only on the very first start", async () => {
    writeFileSync(toolFile("shipped"), tool(3));
    const first = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(first.verified).toEqual(["shipped"]);
    writeFileSync(toolFile("dropped_in"), tool(4));
    const later = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(later.verified).toEqual(["shipped"]);
    expect(later.needsApproval).toEqual(["dropped_in"]);
  });
});

describe("names and links that would leave the tools folder (row 6, docs/security.md)", () => {
  it.each(["../x", "a/b", "%2e%2e", "/etc/passwd", "..", "x".repeat(65)])(
    "refuses %j on approve, reject, retire and rollback with a 400",
    async (name) => {
      const sha = "0".repeat(64);
      for (const attempt of [
        () => approveTool(name, sha, "tester"),
        () => rejectTool(name, sha, "no", "tester"),
        () => retireTool(name, "tester"),
        () => rollbackTool(name, 1, "tester"),
      ]) {
        await expect(attempt()).rejects.toMatchObject({ code: "bad_request" });
      }
    },
  );

  it("never reads or trusts a tool file that is a symbolic link", async () => {
    const { version } = await proposeTool(
      { name: "linked", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await approveTool("linked", version.sha256, "tester");
    // the approved file is swapped for a link to a copy of itself, somewhere else
    const elsewhere = path.join(mkdtempSync(path.join(os.tmpdir(), "ratchet-elsewhere-")), "linked.mjs");
    writeFileSync(elsewhere, tool(1));
    rmSync(toolFile("linked"));
    symlinkSync(elsewhere, toolFile("linked"));
    const catalog = await loadCatalog(sessionId);
    expect(catalog.callable.map((t) => t.name)).not.toContain("linked");
    expect(catalog.refused.find((r) => r.name === "linked")?.reason).toMatch(/symbolic link/);
    // a link to something else entirely is not even read
    symlinkSync("/etc/passwd", toolFile("passwd"));
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.ignored).toEqual(
      expect.arrayContaining([
        { file: "linked.mjs", reason: expect.stringContaining("symbolic link") },
        { file: "passwd.mjs", reason: expect.stringContaining("symbolic link") },
      ]),
    );
    expect(await listToolVersions("passwd")).toEqual([]);
  });
});
