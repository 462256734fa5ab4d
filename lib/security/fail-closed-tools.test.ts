/**
 * Row 19 (docs/security.md) for agent-written tools and the run_command tool as the model sees it:
 * without bubblewrap the sandbox cannot start, and both are refused with a message that says why
 * and what to do, before anything runs. (runProcess itself: lib/sandbox/fail-closed.test.ts; the
 * running app with its banner: e2e/security/fail-closed.spec.ts.)
 */
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "@/lib/agent/tools/run-command";
import { initSandbox, sandboxStatus } from "@/lib/sandbox";
import { callAgentTool } from "@/lib/tools/call";
import { capabilitiesSchema } from "@/lib/tools/manifest";
import type { ToolContext } from "@/lib/tools/types";
import { validateTool } from "@/lib/tools/validate";

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-nobwrap-tools-"));
const marker = path.join(root, "ran");

beforeAll(async () => {
  const savedPath = process.env.PATH;
  process.env.PATH = path.join(root, "empty-bin");
  try {
    const status = await initSandbox({
      locations: { dataDir: root, appDir: root, toolsDir: root, skillsDir: root, home: root },
      network: { mode: "open" },
      disabled: false,
    });
    expect(status.mode).toBe("unavailable");
  } finally {
    process.env.PATH = savedPath;
  }
  // bubblewrap is back on PATH now, but the sandbox did not start: everything stays refused
  expect(sandboxStatus().mode).toBe("unavailable");
});

const SOURCE = `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(marker)}, "loaded");
export const description = "Writes a marker.";
export const schema = { type: "object", properties: {} };
export async function run() { writeFileSync(${JSON.stringify(marker)}, "ran"); return { ok: true, result: 1 }; }`;

describe("row 19: bubblewrap missing", () => {
  it("refuses an agent tool call with the reason, as a sandbox denial, and runs nothing", async () => {
    const outcome = await callAgentTool(
      {
        name: "marker",
        version: 1,
        versionId: "v1",
        sha256: "sha",
        source: SOURCE,
        manifest: {
          description: "Writes a marker.",
          schema: { type: "object", properties: {} },
          capabilities: capabilitiesSchema.parse({}),
          requires: [],
          examples: 0,
        },
        trial: false,
      },
      {},
      {
        workspace: root,
        signal: new AbortController().signal,
        secrets: [],
        onOutput: () => {},
        onSpawn: () => {},
      },
    );
    expect(outcome).toMatchObject({ state: "error", errorClass: "sandbox_denial" });
    expect(outcome.output).toMatch(/Refused: the sandbox cannot start/);
    expect(outcome.output).toMatch(/bubblewrap|bwrap/);
    expect(outcome.output).toContain("RATCHET_SANDBOX=off");
    expect(existsSync(marker)).toBe(false);
  });

  it("fails a proposal's validation with the reason instead of loading it anywhere", async () => {
    const { report, manifest } = await validateTool(SOURCE, { schemaKey: "nobwrap" });
    expect(report.ok).toBe(false);
    expect(manifest).toBeNull();
    const load = report.checks.find((c) => c.id === "load");
    expect(load?.status).toBe("fail");
    expect(load?.detail).toMatch(/bubblewrap|bwrap/);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses run_command with a message the model and the person can act on", async () => {
    const ctx = {
      sessionId: "s",
      turnId: "t",
      callId: "c",
      workspace: root,
      signal: new AbortController().signal,
      secrets: [],
      emit: async () => {},
      trackProcess: async () => {},
      untrackProcess: async () => {},
      reload: async () => "",
    } satisfies ToolContext;
    const outcome = await runCommand.execute({ command: `touch ${marker}` }, ctx);
    expect(outcome).toMatchObject({
      state: "error",
      summary: "refused: sandbox unavailable",
      errorClass: "sandbox_denial",
    });
    expect(outcome.output).toMatch(/bubblewrap|bwrap/);
    expect(existsSync(marker)).toBe(false);
  });
});
