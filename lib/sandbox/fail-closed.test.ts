import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { runProcess } from "./run-process";
import { initSandbox, sandboxStatus } from "./sandbox-runtime";

it("fails closed when bubblewrap is missing: commands are refused with a clear reason", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-nobwrap-"));
  const savedPath = process.env.PATH;
  process.env.PATH = path.join(root, "empty-bin");
  try {
    const status = await initSandbox({
      locations: { dataDir: root, appDir: root, toolsDir: root, skillsDir: root, home: root },
      network: { mode: "open" },
      disabled: false,
    });
    expect(status.mode).toBe("unavailable");
    expect(status.reason).toMatch(/bubblewrap|bwrap/);
    expect(status.reason).toContain("RATCHET_SANDBOX=off");
  } finally {
    process.env.PATH = savedPath;
  }
  expect(sandboxStatus().mode).toBe("unavailable");
  const result = await runProcess({
    command: "touch ran",
    cwd: root,
    timeoutMs: 5000,
    modelCapBytes: 1024,
    streamCapBytes: 1024,
    sandbox: { writable: [root], network: "policy" },
  });
  expect(result.status).toBe("sandbox-unavailable");
  expect(result.error).toMatch(/bubblewrap|bwrap/);
  expect(existsSync(path.join(root, "ran"))).toBe(false);
});
