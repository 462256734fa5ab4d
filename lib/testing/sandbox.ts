import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { initSandbox, type SandboxStatus } from "@/lib/sandbox";

/** The real sandbox around throwaway protected folders, for tests that run commands. */
export async function startTestSandbox(): Promise<SandboxStatus> {
  const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-test-sandbox-"));
  const dirs = ["data", "app", "tools", "skills", "home"].map((d) => path.join(root, d));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  const [dataDir = "", appDir = "", toolsDir = "", skillsDir = "", home = ""] = dirs;
  const status = await initSandbox({
    locations: { dataDir, appDir, toolsDir, skillsDir, home },
    network: { mode: "open" },
    disabled: false,
  });
  if (status.mode !== "on") throw new Error(`sandbox unavailable in tests: ${status.reason}`);
  return status;
}
