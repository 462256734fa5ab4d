import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { countOpenSessionsByWorkspace } from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { checkWorkspace, loadWorkspacePolicy, type WorkspacePolicy } from "./policy";
import { DATA_DIR_MARKER } from "./rules";

const MARKER_TEXT = `This folder is a Ratchet data dir: database, access token, login codes.
Every Ratchet instance refuses to let a session work here or in any folder below it.
`;

/**
 * Marks this instance's data dir, so that another instance (another data dir, same machine or
 * shared storage) recognises it and never lets a session work in it.
 */
export async function writeDataDirMarker(dataDir = env().dataDir): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DATA_DIR_MARKER);
  const current = await readFile(/*turbopackIgnore: true*/ file, "utf8").catch(() => null);
  if (current !== MARKER_TEXT) await writeFile(/*turbopackIgnore: true*/ file, MARKER_TEXT, { mode: 0o644 });
}

function describeSource(policy: WorkspacePolicy): string {
  switch (policy.source) {
    case "settings":
      return "saved in Settings";
    case "env":
      return `from ${policy.variable}`;
    case "default":
      return "the default: set RATCHET_WORKSPACE_ROOTS or Settings to choose";
  }
}

/** Sessions that have not ended whose folder may no longer be a workspace, grouped by reason. */
export async function refusedSessionWorkspaces(
  policy: WorkspacePolicy,
): Promise<Array<{ workspace: string; count: number; reason: string }>> {
  const groups = await countOpenSessionsByWorkspace();
  const refused = [];
  for (const group of groups) {
    const check = await checkWorkspace(group.workspace, policy);
    if (!check.ok) refused.push({ ...group, reason: check.reason });
  }
  return refused;
}

/**
 * At start: marks the data dir, creates the default root when it is used, and says where sessions
 * work, what configuration was refused, and which earlier sessions can no longer run turns (an
 * upgrade from a release whose default workspace was the app itself). Never stops the start.
 */
export async function prepareWorkspaces(
  log: Pick<Console, "log" | "warn"> = console,
): Promise<WorkspacePolicy> {
  await writeDataDirMarker().catch((error) =>
    log.warn(`[ratchet] WARNING: could not write ${DATA_DIR_MARKER} into the data dir: ${String(error)}`),
  );
  let policy = await loadWorkspacePolicy();
  if (policy.source === "default" && policy.defaultWorkspace) {
    await mkdir(/*turbopackIgnore: true*/ policy.defaultWorkspace, { recursive: true, mode: 0o700 }).catch(
      (error) => log.warn(`[ratchet] WARNING: could not create ${policy.defaultWorkspace}: ${String(error)}`),
    );
    policy = await loadWorkspacePolicy();
  }
  for (const problem of policy.problems) log.warn(`[ratchet] WARNING: ${problem}`);
  log.log(
    policy.roots.length
      ? `[ratchet] workspaces: sessions may work in ${policy.roots.join(", ")} (${describeSource(policy)}); the default workspace is ${policy.defaultWorkspace}`
      : "[ratchet] workspaces: no usable workspace root, so no session can start; set RATCHET_WORKSPACE_ROOTS or a root in Settings",
  );
  const refused = await refusedSessionWorkspaces(policy).catch(() => []);
  if (refused.length > 0) {
    const count = refused.reduce((sum, r) => sum + r.count, 0);
    log.warn(
      `[ratchet] note: ${count} earlier session(s) work in a folder that may no longer be a workspace. They stay readable; new turns in them are refused, so start a new session${policy.defaultWorkspace ? ` (the default workspace is ${policy.defaultWorkspace})` : ""}.\n${refused.map((r) => `  - ${r.count} in ${r.workspace}: ${r.reason}`).join("\n")}`,
    );
  }
  return policy;
}
