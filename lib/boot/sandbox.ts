import { env } from "@/lib/env";
import { initSandbox, type SandboxStatus, taskCapSupport } from "@/lib/sandbox";
import { readNetworkPolicy } from "@/lib/settings/network-policy";
import { databaseDir, readSandboxSettings } from "@/lib/settings/sandbox-settings";
import { skillsDir } from "@/lib/skills/catalog";
import { toolsDir } from "@/lib/tools/paths";

export async function startSandbox(): Promise<SandboxStatus> {
  const e = env();
  const dbDir = databaseDir();
  const status = await initSandbox({
    locations: {
      dataDir: e.dataDir,
      appDir: process.cwd(),
      toolsDir: toolsDir(),
      skillsDir: skillsDir(),
      ...(dbDir ? { databaseDir: dbDir } : {}),
    },
    network: await readNetworkPolicy(),
    settings: await readSandboxSettings(),
    disabled: e.RATCHET_SANDBOX === "off",
  });
  if (status.mode !== "on") console.warn(`[ratchet] WARNING: sandbox ${status.mode}: ${status.reason}`);
  const cap = taskCapSupport();
  if (cap.kind === "none") console.warn(`[ratchet] note: no task cap against fork bombs: ${cap.reason}`);
  return status;
}
