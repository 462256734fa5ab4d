import path from "node:path";
import { env } from "@/lib/env";
import { isStarter } from "./starter-hashes";

/**
 * The starter tools Ratchet ships, in the app's own `tools/` folder. Read-only: loaded from there,
 * each pinned by its hash (starter-hashes.ts); nothing Ratchet does writes into the app.
 */
export function starterToolsDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "tools");
}

function configuredToolsDir(): string | null {
  const configured = process.env.RATCHET_TOOLS_DIR;
  return configured ? path.resolve(/*turbopackIgnore: true*/ configured) : null;
}

function insideStarters(dir: string): boolean {
  const starters = starterToolsDir();
  return dir === starters || dir.startsWith(starters + path.sep);
}

/**
 * Where tools a person approves are written, as files users can version with git:
 * RATCHET_TOOLS_DIR, else `<data dir>/tools`. Never the app's `tools/` (writing there changed the
 * repository under the app and broke its own lint): a RATCHET_TOOLS_DIR naming it is replaced by
 * the default, and the start log says so (toolsDirNote).
 */
export function toolsDir(): string {
  const configured = configuredToolsDir();
  if (configured && !insideStarters(configured)) return configured;
  return path.join(env().dataDir, "tools");
}

/** Why RATCHET_TOOLS_DIR is not used, when it is not. */
export function toolsDirNote(): string | null {
  const configured = configuredToolsDir();
  if (!configured || !insideStarters(configured)) return null;
  return `RATCHET_TOOLS_DIR=${configured} is the app's own starter tools folder, which Ratchet never writes; approved tools go to ${toolsDir()} instead`;
}

export function toolFile(name: string): string {
  return path.join(toolsDir(), `${name}.mjs`);
}

export function starterFile(name: string): string {
  return path.join(starterToolsDir(), `${name}.mjs`);
}

/** The file an approved version runs from: a pinned starter from the app, any other from toolsDir(). */
export function approvedFile(name: string, sha256: string): string {
  return isStarter(name, sha256) ? starterFile(name) : toolFile(name);
}
