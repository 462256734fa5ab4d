import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readSetting, writeSettings } from "@/lib/db/queries/settings";
import { env } from "@/lib/env";
import {
  DEFAULT_SANDBOX_SETTINGS,
  type SandboxSettings,
  sandboxSettingsSchema,
  setSandboxSettings,
} from "@/lib/sandbox";
import { skillsDir } from "@/lib/skills/catalog";
import { toolsDir } from "@/lib/tools/paths";

const KEY = "sandbox.settings";

export async function readSandboxSettings(): Promise<SandboxSettings> {
  return (await readSetting(KEY, sandboxSettingsSchema)) ?? DEFAULT_SANDBOX_SETTINGS;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The database file's folder, when SQLite keeps it outside the data dir. */
export function databaseDir(): string | undefined {
  const { databaseUrl, databaseProvider, dataDir } = env();
  if (databaseProvider !== "sqlite") return undefined;
  const file = path.resolve(/*turbopackIgnore: true*/ databaseUrl.replace(/^file:/, ""));
  const dir = path.dirname(file);
  return isInside(dir, dataDir) ? undefined : dir;
}

/**
 * Why an admin's read path cannot be added, or null. Ratchet's own folders, the home directory and
 * anything holding them stay out whatever the list says (they are also covered inside, should one
 * be added some other way).
 */
export function readPathProblem(target: string): string | null {
  const resolved = path.resolve(target);
  if (resolved === "/") return "the whole filesystem cannot be a read path";
  try {
    statSync(/*turbopackIgnore: true*/ resolved);
  } catch {
    return `${resolved} does not exist`;
  }
  const { dataDir } = env();
  const guarded = [
    ["Ratchet's data dir", dataDir],
    ["Ratchet's app dir", process.cwd()],
    ["the tools folder", toolsDir()],
    ["the skills folder", skillsDir()],
    ["the database's folder", databaseDir()],
  ] as const;
  for (const [label, dir] of guarded) {
    if (dir && (isInside(resolved, dir) || isInside(dir, resolved)))
      return `${resolved} is or holds ${label} (${dir})`;
  }
  const home = os.homedir();
  if (isInside(home, resolved)) return `${resolved} holds the home directory, with its keys and tokens`;
  return null;
}

/** Validates, saves and applies to every later command; errors name each bad entry. */
export async function saveSandboxSettings(settings: SandboxSettings): Promise<string[]> {
  const problems = settings.readPaths.map(readPathProblem).filter((p): p is string => p !== null);
  if (problems.length) return problems;
  const clean = {
    readPaths: [...new Set(settings.readPaths.map((p) => path.resolve(p)))],
    envNames: [...new Set(settings.envNames)],
    privateNetworks: [...new Set(settings.privateNetworks)],
  };
  await writeSettings({ [KEY]: clean });
  setSandboxSettings(clean);
  return [];
}
