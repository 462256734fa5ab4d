import { realpathSync } from "node:fs";
import path from "node:path";

/** True when `target` is `root` itself or lies inside it, compared by path components, not by prefix. */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!path.isAbsolute(rel) && rel.split(path.sep)[0] !== "..");
}

/** How two absolute paths relate, component by component. */
export type PathRelation = "same" | "inside" | "contains" | "apart";

/** Whether `target` is `other`, lies inside it, contains it, or neither. */
export function relationOf(target: string, other: string): PathRelation {
  if (path.relative(other, target) === "") return "same";
  if (isInside(other, target)) return "inside";
  if (isInside(target, other)) return "contains";
  return "apart";
}

/**
 * The real path of `file` even when it does not exist (yet): the longest existing prefix is
 * resolved through its symbolic links and the missing rest appended as written. Used for folders
 * that must be protected whether or not they have been created. Synchronous, as the workspace
 * checks are (lib/workspaces/policy.ts says why).
 */
export function realpathLoose(file: string): string {
  const absolute = path.resolve(/*turbopackIgnore: true*/ file);
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    try {
      const real = realpathSync.native(/*turbopackIgnore: true*/ current);
      return path.join(real, ...missing.reverse());
    } catch {
      if (current === path.dirname(current)) return absolute;
      missing.push(path.basename(current));
    }
  }
}
