import { mkdirSync, mkdtempSync } from "node:fs";
import path from "node:path";

/**
 * The workspace root of a test run: next to its data dir, never inside it (sessions may not work
 * in Ratchet's data) nor in the shared temp folder itself (which may hold workspaces, not be one).
 */
export function testWorkspaceRoot(dataDir: string): string {
  return `${dataDir}-workspaces`;
}

/** A fresh folder sessions may work in: inside RATCHET_WORKSPACE_ROOTS, which lib/testing sets. */
export function testWorkspace(prefix = "ws-"): string {
  const root = process.env.RATCHET_WORKSPACE_ROOTS;
  if (!root) throw new Error("RATCHET_WORKSPACE_ROOTS is not set (lib/testing/database-env.ts sets it)");
  mkdirSync(root, { recursive: true });
  return mkdtempSync(path.join(root, prefix));
}
