import path from "node:path";
import { isInside, relationOf } from "@/lib/fs/paths";

/**
 * Pure rules for where a session may work. Paths here are absolute and already resolved through
 * symbolic links (lib/workspaces/policy.ts does that), so every comparison is by path component.
 */

/**
 * `whole`: a workspace may not be this folder, contain it or lie inside it (Ratchet's own code and
 * data, system folders). `hold`: a workspace may lie inside it but may not be it or contain it
 * (`/`, `/tmp`, `/home`, the home folder: they hold other people's files and ~/.ssh).
 */
export type Protection = "whole" | "hold";

export interface ProtectedFolder {
  path: string;
  /** What it is, in words for the user: "Ratchet's app folder". */
  what: string;
  /** Why that matters: "code there runs outside the sandbox at the next start". */
  why: string;
  protection: Protection;
}

/**
 * Folders of the operating system and installed software: a workspace there could change programs
 * every user runs (`/usr`, `/opt`, `/nix`, `/snap`), configuration (`/etc`), the boot chain,
 * kernel interfaces (`/proc`, `/sys`, `/dev`), or the state of other services (`/var` holds
 * databases, cron spools, mail and logs; `/run` their sockets). `/srv`, `/mnt` and `/media` are
 * left to the admin: they hold data, not software.
 */
export const SYSTEM_FOLDERS = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/nix",
  "/opt",
  "/proc",
  "/run",
  "/sbin",
  "/snap",
  "/sys",
  "/usr",
  "/var",
] as const;

/** Marks a Ratchet data dir, so that any instance recognises another's data and refuses it. */
export const DATA_DIR_MARKER = ".ratchet-data-dir";

export interface WorkspaceRules {
  /** Real paths of the allowed roots; a workspace must be one of them or inside one. */
  roots: readonly string[];
  protectedFolders: readonly ProtectedFolder[];
}

const ORDER = { same: 0, inside: 1, contains: 2, apart: 3 } as const;

/** Why `folder` may not be a workspace (or a root) because of a protected folder, or null. */
export function protectionProblem(folder: string, folders: readonly ProtectedFolder[]): string | null {
  let worst: { relation: "same" | "inside" | "contains"; at: ProtectedFolder } | null = null;
  for (const at of folders) {
    const relation = relationOf(folder, at.path);
    if (relation === "apart" || (relation === "inside" && at.protection === "hold")) continue;
    // "is" reads best, then "inside", then "contains"
    if (!worst || ORDER[relation] < ORDER[worst.relation]) worst = { relation, at };
  }
  if (!worst) return null;
  const { relation, at } = worst;
  if (relation === "same") return `${folder} is ${at.what}: ${at.why}.`;
  return `${folder} ${relation === "inside" ? "is inside" : "contains"} ${at.what} ${at.path}: ${at.why}.`;
}

/** Why `folder` is outside every root, or null. */
export function outsideRootsProblem(folder: string, roots: readonly string[]): string | null {
  if (roots.some((root) => isInside(root, folder))) return null;
  if (roots.length === 0)
    return `${folder} cannot be a workspace: no workspace root is usable (an admin sets them in Settings or RATCHET_WORKSPACE_ROOTS).`;
  return `${folder} is outside the workspace roots (${roots.join(", ")}); an admin can add a root in Settings.`;
}

/** Folders holding another Ratchet instance's data-dir marker, as protected folders. */
export function markerFolders(markers: readonly string[]): ProtectedFolder[] {
  return markers.map((dir) => ({
    path: dir,
    what: "another Ratchet instance's data folder",
    why: `it holds ${DATA_DIR_MARKER}, so its database, token and login codes are there`,
    protection: "whole",
  }));
}

/**
 * Why a resolved folder may not be a workspace, or null. `markers` are the folders at or above it
 * that hold another Ratchet instance's data-dir marker.
 */
export function workspaceProblem(
  folder: string,
  rules: WorkspaceRules,
  markers: readonly string[] = [],
): string | null {
  return (
    protectionProblem(folder, [...rules.protectedFolders, ...markerFolders(markers)]) ??
    outsideRootsProblem(folder, rules.roots)
  );
}

/**
 * Why `folder` may not be a workspace because it is or lies inside a repository's git folder, or
 * null: the agent would write that repository's hooks and config, which the person's own `git`
 * runs outside the sandbox (the workspace guard protects them only inside a workspace's `.git`).
 */
export function gitFolderProblem(folder: string): string | null {
  if (!folder.split(path.sep).includes(".git")) return null;
  return `${folder} is inside a repository's .git folder: hooks and config written there run when someone uses git. Pick the repository's folder instead.`;
}

/** `folder` and every folder above it, nearest first. */
export function selfAndAncestors(folder: string): string[] {
  const chain = [folder];
  for (let dir = folder; path.dirname(dir) !== dir; dir = path.dirname(dir)) chain.push(path.dirname(dir));
  return chain;
}
