import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { BUILTIN_TOOLS } from "@/lib/agent/tools/registry";
import { syncToolsAtBoot } from "@/lib/boot/tools";
import { db } from "@/lib/db/client";
import { createSession } from "@/lib/db/queries/sessions";
import {
  activateToolVersion,
  createToolVersion,
  findToolVersion,
  listToolVersions,
} from "@/lib/db/queries/tool-versions";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { loadCatalog } from "./catalog";
import { STARTER_DECIDER, syncToolsFromDisk } from "./disk-sync";
import {
  approveTool,
  nameProblem,
  proposeTool,
  rejectTool,
  retireTool,
  rollbackTool,
  sha256,
} from "./lifecycle";
import { starterToolsDir, toolFile, toolsDir } from "./paths";
import { isStarter, STARTER_TOOLS } from "./starter-hashes";

/**
 * The app's own tools/ folder, where the starters ship: a private folder per test (empty unless a
 * test puts a starter there), so a sync does not validate the real starters every time.
 */
const starters = vi.hoisted(() => ({ dir: "" }));
vi.mock("./paths", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./paths")>();
  const { isStarter: pinned } = await import("./starter-hashes");
  const starterFile = (name: string) => `${starters.dir}/${name}.mjs`;
  return {
    ...actual,
    starterToolsDir: () => starters.dir,
    starterFile,
    approvedFile: (name: string, sha: string) =>
      pinned(name, sha) ? starterFile(name) : actual.toolFile(name),
  };
});

const SHIPPED = path.join(process.cwd(), "tools");

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
});

beforeEach(async () => {
  await db().toolVersion.deleteMany();
  starters.dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-app-tools-"));
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
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

/** A version as an earlier Ratchet left it in the database (no validation run now). */
async function legacyVersion(name: string, source: string, decidedBy: string, subprocess = false) {
  const version = await createToolVersion({
    name,
    sha256: sha256(source),
    source,
    origin: "user",
    status: "proposed",
    description: `${name} from an earlier Ratchet`,
    manifest: {
      description: `${name} from an earlier Ratchet`,
      schema: { type: "object", properties: {} },
      capabilities: { filesystem: "project", network: false, subprocess, env: [] },
      requires: [],
      examples: 0,
    },
    validation: { ok: true, checks: [], flags: [], examples: [], unavailable: null, durationMs: 0 },
    reason: null,
    sessionId: null,
  });
  return activateToolVersion(version.id, name, { by: decidedBy });
}

const starterSource = (name: string) => readFileSync(path.join(SHIPPED, `${name}.mjs`), "utf8");

describe("trust nothing implicitly (row 28, docs/security.md)", () => {
  it("a tool copied into an empty tools folder after the first start is a proposal, not trusted", async () => {
    // the first start: nothing recorded, nothing in either folder
    expect(await syncToolsFromDisk(BUILTIN_NAMES)).toMatchObject({ verified: [], needsApproval: [] });
    expect(await db().toolVersion.count()).toBe(0);
    // copied in afterwards, before any version was recorded
    writeFileSync(toolFile("dropped_in"), tool(4));
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.verified).toEqual([]);
    expect(sync.needsApproval).toEqual(["dropped_in"]);
    const [version] = await listToolVersions("dropped_in");
    expect(version).toMatchObject({
      status: "proposed",
      decidedBy: null,
      reason: "found in the tools folder",
    });
    expect((await loadCatalog(sessionId)).callable).toEqual([]);
  });

  it("only a starter whose exact sha256 is pinned starts approved; an edited starter or any other file waits", async () => {
    copyFileSync(path.join(SHIPPED, "list_files.mjs"), path.join(starters.dir, "list_files.mjs"));
    writeFileSync(path.join(starters.dir, "safe_read.mjs"), `${starterSource("safe_read")}// edited\n`);
    writeFileSync(path.join(starters.dir, "extra.mjs"), tool(5));
    writeFileSync(toolFile("another"), tool(6));
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.verified).toEqual(["list_files"]);
    expect(sync.needsApproval).toEqual(["another", "extra", "safe_read"]);
    const starter = await findToolVersion("list_files", {});
    expect(starter).toMatchObject({
      status: "active",
      decidedBy: STARTER_DECIDER,
      sha256: STARTER_TOOLS.list_files,
    });
    // validated here (loads, exports, imports); its examples ran in the test suite for these bytes
    const report = starter?.validation as { checks: Array<{ id: string; status: string; detail?: string }> };
    const checks = report.checks;
    expect(checks.map((c) => [c.id, c.status])).toEqual(
      expect.arrayContaining([
        ["load", "pass"],
        ["imports", "pass"],
        ["examples", "pass"],
      ]),
    );
    expect(checks.find((c) => c.id === "examples")?.detail).toMatch(/shipped-tools\.test\.ts/);
    for (const name of ["another", "extra", "safe_read"])
      expect(await findToolVersion(name, {}), name).toMatchObject({ status: "proposed", decidedBy: null });
    // the pinned starter runs from the app's folder, where it ships
    const callable = (await loadCatalog(sessionId)).callable;
    expect(callable.map((t) => t.name)).toEqual(["list_files"]);
    expect(callable[0]?.source).toBe(starterSource("list_files"));
    expect(existsSync(toolFile("list_files"))).toBe(false);
    // an unchanged second start changes nothing
    const again = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(again).toMatchObject({ verified: ["list_files"], moved: [], requeued: [] });
    expect(await listToolVersions("list_files")).toHaveLength(1);
  });

  it("replaces Ratchet's own older starter, but waits when a person approved a version of their own or retired it", async () => {
    for (const name of ["list_files", "safe_read", "search_code"])
      copyFileSync(path.join(SHIPPED, `${name}.mjs`), path.join(starters.dir, `${name}.mjs`));
    await legacyVersion("list_files", `${tool(1)}// an older starter\n`, STARTER_DECIDER);
    await legacyVersion("safe_read", `${tool(2)}// the owner's own\n`, "owner");
    const retired = await legacyVersion("search_code", starterSource("search_code"), STARTER_DECIDER);
    await db().toolVersion.update({ where: { id: retired.id }, data: { status: "retired" } });
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.verified).toEqual(["list_files"]);
    expect(sync.needsApproval).toEqual(["safe_read"]);
    expect((await listToolVersions("list_files")).map((v) => v.status)).toEqual(["active", "superseded"]);
    expect((await listToolVersions("safe_read")).map((v) => [v.status, v.decidedBy])).toEqual([
      ["proposed", null],
      ["active", "owner"],
    ]);
    expect((await listToolVersions("search_code")).map((v) => v.status)).toEqual(["retired"]);
  });

  it("an upgrade puts tools an earlier Ratchet trusted at its first start back in the queue (pinned starters stay)", async () => {
    copyFileSync(path.join(SHIPPED, "list_files.mjs"), path.join(starters.dir, "list_files.mjs"));
    await legacyVersion("list_files", starterSource("list_files"), "ratchet (first start)");
    await legacyVersion("sneaked_in", tool(7), "ratchet (first start)");
    writeFileSync(path.join(starters.dir, "sneaked_in.mjs"), tool(7));
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.requeued).toEqual(["sneaked_in"]);
    expect(sync.verified).toEqual(["list_files"]);
    expect(sync.needsApproval).toEqual(["sneaked_in"]);
    expect(await findToolVersion("sneaked_in", {})).toMatchObject({
      status: "proposed",
      decidedBy: null,
      decidedAt: null,
      reason: expect.stringContaining("without a person's approval"),
    });
    expect((await loadCatalog(sessionId)).callable.map((t) => t.name)).toEqual(["list_files"]);
    // a person approves it now, for real: written to the tools folder, not the app's
    const [queued] = await listToolVersions("sneaked_in");
    await approveTool("sneaked_in", queued?.sha256 ?? "", "owner");
    expect(readFileSync(toolFile("sneaked_in"), "utf8")).toBe(tool(7));
  });
});

describe("approved tools live in the tools folder, never in the app (issue 21 item 2)", () => {
  it("defaults to <data dir>/tools, and a RATCHET_TOOLS_DIR naming the app's tools/ folder is not used", async () => {
    const { toolsDir: realToolsDir, toolsDirNote } =
      await vi.importActual<typeof import("./paths")>("./paths");
    const { env } = await import("@/lib/env");
    const configured = process.env.RATCHET_TOOLS_DIR;
    try {
      delete process.env.RATCHET_TOOLS_DIR;
      expect(realToolsDir()).toBe(path.join(env().dataDir, "tools"));
      expect(toolsDirNote()).toBeNull();
      for (const appTools of [SHIPPED, `${SHIPPED}/`, path.join(SHIPPED, "approved")]) {
        process.env.RATCHET_TOOLS_DIR = appTools;
        expect(realToolsDir(), appTools).toBe(path.join(env().dataDir, "tools"));
        expect(toolsDirNote()).toMatch(/never writes/);
      }
      process.env.RATCHET_TOOLS_DIR = "/srv/ratchet/tools";
      expect(realToolsDir()).toBe("/srv/ratchet/tools");
    } finally {
      process.env.RATCHET_TOOLS_DIR = configured;
    }
  });

  it("approving, rolling back and retiring never write the app's tools folder; a starter's version is never copied", async () => {
    copyFileSync(path.join(SHIPPED, "list_files.mjs"), path.join(starters.dir, "list_files.mjs"));
    await syncToolsFromDisk(BUILTIN_NAMES);
    const before = readdirSync(starters.dir);
    const mine = await proposeTool(
      { name: "list_files", source: tool(8), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await approveTool("list_files", mine.version.sha256, "owner");
    expect(readFileSync(toolFile("list_files"), "utf8")).toBe(tool(8));
    // back to the starter: it runs from the app's folder again, and the copy goes
    await rollbackTool("list_files", 1, "owner");
    expect(existsSync(toolFile("list_files"))).toBe(false);
    expect((await loadCatalog(sessionId)).callable[0]?.source).toBe(starterSource("list_files"));
    await retireTool("list_files", "owner");
    expect(readdirSync(starters.dir)).toEqual(before);
    expect(readFileSync(path.join(starters.dir, "list_files.mjs"), "utf8")).toBe(starterSource("list_files"));
  });

  it("an upgrade copies approved tools from the app's tools/ folder into the tools folder, approvals intact", async () => {
    copyFileSync(path.join(SHIPPED, "list_files.mjs"), path.join(starters.dir, "list_files.mjs"));
    await legacyVersion("list_files", starterSource("list_files"), "ratchet (first start)");
    await legacyVersion("count_words", tool(9), "owner");
    writeFileSync(path.join(starters.dir, "count_words.mjs"), tool(9));
    expect(existsSync(toolFile("count_words"))).toBe(false);
    // at start, and the start log says so
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await syncToolsAtBoot();
      const logged = warn.mock.calls.map((args) => String(args[0]));
      expect(logged).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `approved tools now live in ${toolsDir()}: copied count_words there from ${starters.dir}`,
          ),
        ),
      );
      expect(logged.join("\n")).not.toMatch(/waiting for approval|refused|ignored/);
    } finally {
      warn.mockRestore();
    }
    expect(readFileSync(toolFile("count_words"), "utf8")).toBe(tool(9));
    expect(await findToolVersion("count_words", {})).toMatchObject({ status: "active", decidedBy: "owner" });
    expect((await loadCatalog(sessionId)).callable.map((t) => t.name)).toEqual(["count_words", "list_files"]);
    // the tools folder is where it runs from now: the old copy no longer matters
    const again = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(again).toMatchObject({
      moved: [],
      requeued: [],
      needsApproval: [],
      verified: ["count_words", "list_files"],
    });
    writeFileSync(toolFile("count_words"), tool(10));
    expect((await loadCatalog(sessionId)).refused.map((r) => r.name)).toEqual(["count_words"]);
    expect(starterToolsDir()).toBe(starters.dir);
    expect(toolsDir()).toBe(process.env.RATCHET_TOOLS_DIR);
  });
});

describe("approval covers everything that runs (row 27, docs/security.md)", () => {
  const IMPORTS_WORKSPACE = `import { helper } from "/srv/workspace/helper.mjs";
export const description = "Uses a workspace module.";
export const schema = { type: "object", properties: {} };
export async function run() { return { ok: true, result: helper() }; }
`;

  it("an approved version that imports a workspace module is reported by sync and refused by the catalog", async () => {
    await legacyVersion("uses_helper", IMPORTS_WORKSPACE, "owner");
    writeFileSync(toolFile("uses_helper"), IMPORTS_WORKSPACE);
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    expect(sync.verified).not.toContain("uses_helper");
    expect(sync.refused).toEqual([
      {
        name: "uses_helper",
        reason: expect.stringContaining('"/srv/workspace/helper.mjs" is a file outside the tool'),
      },
    ]);
    const catalog = await loadCatalog(sessionId);
    expect(catalog.callable).toEqual([]);
    expect(catalog.refused[0]?.reason).toMatch(/loads code its approval does not cover: line 1/);
  });

  it("such a version cannot be approved or rolled back to", async () => {
    const old = await legacyVersion("uses_helper", IMPORTS_WORKSPACE, "owner");
    await legacyVersion("uses_helper", tool(1), "owner");
    await expect(rollbackTool("uses_helper", old.version, "owner")).rejects.toMatchObject({
      code: "conflict",
    });
    await db().toolVersion.update({ where: { id: old.id }, data: { status: "proposed", decidedAt: null } });
    await expect(approveTool("uses_helper", old.sha256, "owner")).rejects.toThrow(
      /cannot be approved: it loads code/,
    );
    expect(existsSync(toolFile("uses_helper"))).toBe(false);
  });

  it("a new proposal with such an import fails validation before anything runs", async () => {
    const { version, report } = await proposeTool(
      { name: "uses_helper", source: IMPORTS_WORKSPACE, sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    expect(version.status).toBe("invalid");
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["secrets", "pass"],
      ["imports", "fail"],
    ]);
    expect(report.checks[1]?.detail).toMatch(
      /^line 1: "\/srv\/workspace\/helper\.mjs" is a file outside the tool/,
    );
    expect(isStarter("uses_helper", version.sha256)).toBe(false);
  });
});

describe("a version's stored JSON is read through its schema (issue 15)", () => {
  const capabilities = { filesystem: "none", network: false, subprocess: false, env: [] };
  const manifest = {
    description: "Returns 1.",
    schema: { type: "object" },
    capabilities,
    requires: [],
    examples: 1,
  };

  it.each([
    ["a string", "anything"],
    ["subprocess as a string", { ...manifest, capabilities: { ...capabilities, subprocess: "yes" } }],
    ["network as a string", { ...manifest, capabilities: { ...capabilities, network: "*" } }],
    ["a capability no version declares", { ...manifest, capabilities: { ...capabilities, root: true } }],
    ["no capabilities", { ...manifest, capabilities: null }],
  ])("an approved version whose stored manifest is %s is refused, never called", async (_, stored) => {
    const { version } = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await approveTool("one", version.sha256, "tester");
    await db().toolVersion.update({ where: { id: version.id }, data: { manifest: stored as object } });
    const catalog = await loadCatalog(sessionId);
    expect(catalog.callable).toEqual([]);
    expect(catalog.refused).toEqual([
      { name: "one", version: 1, reason: "needs re-approval: its stored manifest could not be read" },
    ]);
  });

  it("a proposal whose stored report cannot be read is validated again, not reused", async () => {
    const first = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    await db().toolVersion.update({ where: { id: first.version.id }, data: { validation: { ok: "yes" } } });
    const again = await proposeTool(
      { name: "one", source: tool(1), sessionId, origin: "agent" },
      BUILTIN_NAMES,
    );
    expect(again.duplicate).toBe(false);
    expect(again.report.ok).toBe(true);
    expect(again.report.checks.map((c) => c.status)).not.toContain("fail");
    expect(again.version).toMatchObject({ version: 2, status: "proposed", sha256: first.version.sha256 });
  });
});
