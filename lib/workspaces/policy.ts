import { lstatSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { readSetting, type SettingsSnapshot } from "@/lib/db/queries/settings";
import { env } from "@/lib/env";
import { realpathLoose } from "@/lib/fs/paths";
import { skillsDir } from "@/lib/skills/paths";
import { toolsDir } from "@/lib/tools/paths";
import {
  DATA_DIR_MARKER,
  gitFolderProblem,
  markerFolders,
  type ProtectedFolder,
  protectionProblem,
  SYSTEM_FOLDERS,
  selfAndAncestors,
  workspaceProblem,
} from "./rules";

/** Where saved roots live in the Setting table (admin only, audited: lib/workspaces/roots.ts). */
export const ROOTS_SETTING = "workspaces.roots";
export const DEFAULT_ROOT_NAME = "ratchet-workspaces";
export const DEFAULT_WORKSPACE_NAME = "default";

/** With nothing configured, the one root: in the home folder, outside the app and its data. */
export function defaultRoot(home = os.homedir()): string {
  return path.join(home, DEFAULT_ROOT_NAME);
}

/** The folder of a SQLite database file (`file:…`, relative to the app dir), or null. */
export function sqliteFolder(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith("file:")) return null;
  const file = databaseUrl.slice("file:".length).split("?")[0] ?? "";
  return file ? path.dirname(path.resolve(/*turbopackIgnore: true*/ file)) : null;
}

/** `~` and `~/x` are the server's home folder; everything else is taken as written. */
export function expandHome(folder: string, home = os.homedir()): string {
  return folder === "~" || folder.startsWith("~/") ? path.join(home, folder.slice(1)) : folder;
}

/** Where this instance's own folders are; a parameter so the rules can be tested anywhere. */
export interface Locations {
  appDir: string;
  dataDir: string;
  databaseUrl: string;
  toolsDir: string;
  skillsDir: string;
  home: string;
  tmpDir: string;
}

export function currentLocations(): Locations {
  const e = env();
  return {
    appDir: process.cwd(),
    dataDir: e.dataDir,
    databaseUrl: e.databaseUrl,
    toolsDir: toolsDir(),
    skillsDir: skillsDir(),
    home: os.homedir(),
    tmpDir: os.tmpdir(),
  };
}

/*
 * The lookups below (realpath, stat, lstat of local folders, a few dozen per check) are made
 * synchronously on purpose. Every turn runs a check before anything else; through the thread pool
 * each lookup was a round trip, and a turn waited ≈ 7.6 ms for them (docs/benchmarks.md §26) against
 * well under a millisecond made in place. A folder on a hung network mount stalls the server either
 * way: asynchronous lookups would hold the pool's four threads, and every file read after them.
 */

/** Every folder a workspace must keep away from, as written and as resolved through links. */
export function protectedFolders(loc: Locations = currentLocations()): ProtectedFolder[] {
  const database = sqliteFolder(loc.databaseUrl);
  const written: ProtectedFolder[] = [
    {
      path: loc.appDir,
      what: "Ratchet's app folder",
      why: "code written there runs outside the sandbox at the next start",
      protection: "whole",
    },
    {
      path: loc.dataDir,
      what: "Ratchet's data folder",
      why: "it holds the database, the access token and login codes",
      protection: "whole",
    },
    ...(database
      ? [
          {
            path: database,
            what: "the folder of Ratchet's database",
            why: "the database holds every transcript and the saved model key",
            protection: "whole" as const,
          },
        ]
      : []),
    {
      path: loc.toolsDir,
      what: "Ratchet's tools folder",
      why: "tools change only through approval",
      protection: "whole",
    },
    {
      path: loc.skillsDir,
      what: "Ratchet's skills folder",
      why: "skills change only in the skills editor",
      protection: "whole",
    },
    ...SYSTEM_FOLDERS.map((folder) => ({
      path: folder,
      what: "a system folder",
      why: "programs, configuration and other services' data live there",
      protection: "whole" as const,
    })),
    ...[
      ["/", "the root of the file system"],
      ["/tmp", "the shared temp folder"],
      [loc.tmpDir, "the shared temp folder"],
      ["/home", "the folder of every home folder"],
    ].map(([folder = "/", what = ""]) => ({
      path: folder,
      what,
      why: "it holds other people's and programs' files; use a folder inside it",
      protection: "hold" as const,
    })),
    {
      path: loc.home,
      what: "the home folder",
      why: "it holds ~/.ssh, ~/.config and other keys; use a folder inside it",
      protection: "hold",
    },
  ];
  const resolved = written.map((folder) => ({ ...folder, path: realpathLoose(folder.path) }));
  const seen = new Set<string>();
  return [
    ...written.map((f) => ({ ...f, path: path.resolve(/*turbopackIgnore: true*/ f.path) })),
    ...resolved,
  ].filter((f) => {
    const key = `${f.path}\0${f.what}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What a folder is checked against: the protected folders, and whose data-dir marker is ours. */
export interface Guard {
  protectedFolders: ProtectedFolder[];
  /** This instance's data dir, resolved: its marker is not another instance's. */
  ownDataDir: string;
  home: string;
}

export function guardFor(loc: Locations = currentLocations()): Guard {
  return {
    protectedFolders: protectedFolders(loc),
    ownDataDir: realpathLoose(loc.dataDir),
    home: loc.home,
  };
}

/** Folders at or above `folder` holding another instance's data-dir marker. */
export function markedAncestors(folder: string, ownDataDir: string): string[] {
  return selfAndAncestors(folder).filter((dir) => dir !== ownDataDir && hasMarker(dir));
}

/** A marker that cannot be looked at (no permission) counts as none, as a missing one does. */
function hasMarker(dir: string): boolean {
  try {
    return (
      lstatSync(/*turbopackIgnore: true*/ path.join(dir, DATA_DIR_MARKER), { throwIfNoEntry: false }) !==
      undefined
    );
  } catch {
    return false;
  }
}

export type FolderCheck = { ok: true; folder: string } | { ok: false; missing: boolean; reason: string };

/** The real path of an existing folder, or why there is none. */
function realFolder(folder: string, label: string): FolderCheck {
  try {
    const real = realpathSync.native(/*turbopackIgnore: true*/ folder);
    if (!statSync(/*turbopackIgnore: true*/ real).isDirectory())
      return { ok: false, missing: false, reason: `${label} ${folder} is not a folder.` };
    return { ok: true, folder: real };
  } catch {
    return { ok: false, missing: true, reason: `${label} ${folder} does not exist.` };
  }
}

/**
 * A folder that may become a root: an absolute path to an existing folder (or, `mayBeMissing`,
 * one Ratchet will create: the default root) that could itself be a workspace, resolved through
 * every link.
 */
export async function checkRoot(
  folder: string,
  guard: Guard,
  opts: { mayBeMissing?: boolean } = {},
): Promise<FolderCheck> {
  if (!path.isAbsolute(folder))
    return { ok: false, missing: false, reason: `${folder} is not an absolute path.` };
  let resolved = realFolder(folder, "Folder");
  if (!resolved.ok && resolved.missing && opts.mayBeMissing)
    resolved = { ok: true, folder: realpathLoose(folder) };
  if (!resolved.ok) return resolved;
  const real = resolved.folder;
  const marked = markerFolders(markedAncestors(real, guard.ownDataDir));
  const problem = protectionProblem(real, [...guard.protectedFolders, ...marked]);
  return problem ? { ok: false, missing: false, reason: problem } : resolved;
}

export interface WorkspacePolicy extends Guard {
  /** Real paths of the usable roots. */
  roots: string[];
  /** Where they come from: Settings, the environment, or the built-in default. */
  source: "settings" | "env" | "default";
  /** The variable behind `source: "env"`. */
  variable: "RATCHET_WORKSPACE_ROOTS" | "RATCHET_WORKSPACE" | null;
  /** Roots saved in Settings (null: none saved). */
  saved: string[] | null;
  /** Where a session starts when it names no folder (null when no root is usable). */
  defaultWorkspace: string | null;
  /** What was configured but refused, and what was used instead: said at start and in Settings. */
  problems: string[];
}

export interface PolicyInput {
  /** The Setting row's value, as stored (anything but a list of strings counts as none). */
  saved: unknown;
  /** RATCHET_WORKSPACE_ROOTS, split and resolved. */
  envRoots: readonly string[];
  /** RATCHET_WORKSPACE, as set. */
  workspace: string | undefined;
  guard: Guard;
}

interface RootGroup {
  source: WorkspacePolicy["source"];
  variable: WorkspacePolicy["variable"];
  candidates: string[];
  label: string;
  mayBeMissing?: boolean;
}

/** Where roots may come from, in order of precedence; the first with a usable folder applies. */
function rootGroups(input: PolicyInput, configured: string | null): RootGroup[] {
  const saved = Array.isArray(input.saved) ? input.saved.filter((r) => typeof r === "string") : [];
  const groups: RootGroup[] = [];
  if (saved.length > 0)
    groups.push({
      source: "settings",
      variable: null,
      candidates: saved,
      label: "Workspace root (Settings)",
    });
  if (input.envRoots.length > 0)
    groups.push({
      source: "env",
      variable: "RATCHET_WORKSPACE_ROOTS",
      candidates: [...input.envRoots],
      label: "RATCHET_WORKSPACE_ROOTS",
    });
  // RATCHET_WORKSPACE alone: the admin chose that folder, so it is the one root
  else if (configured)
    groups.push({
      source: "env",
      variable: "RATCHET_WORKSPACE",
      candidates: [configured],
      label: "RATCHET_WORKSPACE",
    });
  const fallback = defaultRoot(input.guard.home);
  groups.push({
    source: "default",
    variable: null,
    candidates: [fallback],
    label: "The default root",
    mayBeMissing: true,
  });
  return groups;
}

/**
 * Which roots apply and where a session starts by default. Saved settings win over the
 * environment and the environment over the default, as for the model; a configured folder that
 * may not be a root is reported and skipped, and a source with no usable folder left gives way
 * to the next (in the end the default root, created in the home folder).
 */
export async function resolveWorkspacePolicy(input: PolicyInput): Promise<WorkspacePolicy> {
  const { guard } = input;
  const configured = input.workspace ? path.resolve(/*turbopackIgnore: true*/ input.workspace) : null;
  const problems: string[] = [];
  const groups = rootGroups(input, configured);
  let chosen: RootGroup | undefined;
  let roots: string[] = [];
  for (const group of groups) {
    for (const candidate of group.candidates) {
      const check = await checkRoot(candidate, guard, { mayBeMissing: group.mayBeMissing });
      if (check.ok) roots.push(check.folder);
      else problems.push(`${group.label} ${candidate} is not used: ${check.reason}`);
    }
    roots = [...new Set(roots)];
    if (roots.length > 0) {
      chosen = group;
      break;
    }
  }
  if (chosen && chosen !== groups[0])
    problems.push(
      `Sessions work in ${roots.join(", ")} instead (${chosen.source === "default" ? "the default root" : chosen.label}).`,
    );
  let defaultWorkspace = roots[0] ? path.join(roots[0], DEFAULT_WORKSPACE_NAME) : null;
  if (configured) {
    const check = await checkWorkspace(configured, { ...guard, roots });
    if (check.ok) defaultWorkspace = check.folder;
    else if (!groups.some((g) => g.variable === "RATCHET_WORKSPACE"))
      problems.push(`RATCHET_WORKSPACE ${configured} is not used: ${check.reason}`);
  }
  const saved = groups.find((g) => g.source === "settings")?.candidates ?? null;
  return {
    ...guard,
    roots,
    source: chosen?.source ?? "default",
    variable: chosen?.variable ?? null,
    saved,
    defaultWorkspace,
    problems,
  };
}

/**
 * The policy in force now: Settings (read on every call, so a change applies at once; or from a
 * snapshot the caller has just read, a turn's) and env.
 */
export async function loadWorkspacePolicy(from?: SettingsSnapshot): Promise<WorkspacePolicy> {
  const e = env();
  return resolveWorkspacePolicy({
    // each saved root is checked by resolveWorkspacePolicy, which says what it ignored and why
    saved: await readSetting(ROOTS_SETTING, z.unknown(), from),
    envRoots: e.workspaceRoots,
    workspace: e.RATCHET_WORKSPACE,
    guard: guardFor(),
  });
}

/**
 * Resolves a requested workspace through every link and checks it against the roots, the
 * protected folders and other instances' markers. A relative path is taken inside the first root.
 */
export async function checkWorkspace(
  requested: string,
  policy: Pick<WorkspacePolicy, "roots" | keyof Guard>,
): Promise<FolderCheck> {
  const base = policy.roots[0] ?? policy.home;
  const folder = path.resolve(/*turbopackIgnore: true*/ base, expandHome(requested, policy.home));
  const resolved = realFolder(folder, "Workspace folder");
  if (!resolved.ok) return resolved;
  const real = resolved.folder;
  const problem =
    workspaceProblem(real, policy, markedAncestors(real, policy.ownDataDir)) ?? gitFolderProblem(real);
  if (!problem) return resolved;
  const via = real === folder ? "" : ` (${folder} leads there through a symbolic link)`;
  return { ok: false, missing: false, reason: `Refused: ${problem}${via}` };
}
