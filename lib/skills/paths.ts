import { lstat, mkdir, realpath } from "node:fs/promises";
import path from "node:path";
import { ApiError } from "@/lib/errors";
import { isInside } from "@/lib/fs/paths";
import { SKILL_NAME } from "./parse";

export function skillsDir(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.RATCHET_SKILLS_DIR ?? path.join(process.cwd(), "skills"),
  );
}

export function nameProblem(name: string): string | null {
  if (SKILL_NAME.test(name)) return null;
  return `"${name.slice(0, 80)}" is not a valid skill name: use 1–64 lowercase letters, digits and single dashes, starting and ending with a letter or digit.`;
}

export function assertSkillName(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw new ApiError("bad_request", problem);
}

export { isInside };

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(/*turbopackIgnore: true*/ file);
    return true;
  } catch {
    return false;
  }
}

/** The skills folder, resolved through symlinks (created when asked to). */
export async function skillsRoot(opts: { create?: boolean; dir?: string } = {}): Promise<string> {
  const dir = opts.dir ?? skillsDir();
  if (opts.create) await mkdir(/*turbopackIgnore: true*/ dir, { recursive: true });
  return realpath(/*turbopackIgnore: true*/ dir);
}

/**
 * Where a skill's files may be written: `<root>/<name>` and `<root>/<name>.md`. Refuses a name that is
 * not a plain skill name, and a folder or file that is a symlink or resolves outside the skills folder,
 * so nothing is ever written anywhere else.
 */
export async function writablePaths(name: string, root: string): Promise<{ folder: string; flat: string }> {
  assertSkillName(name);
  const folder = path.join(root, name);
  const flat = path.join(root, `${name}.md`);
  for (const target of [folder, flat]) {
    if (!isInside(root, target) || path.dirname(target) !== root) {
      throw new ApiError("bad_request", `"${name}" would leave the skills folder.`);
    }
    if (!(await exists(target))) continue;
    const stat = await lstat(/*turbopackIgnore: true*/ target);
    if (stat.isSymbolicLink()) {
      const real = await realpath(/*turbopackIgnore: true*/ target).catch(() => null);
      const where =
        real && isInside(root, real) ? "another place in the skills folder" : "outside the skills folder";
      throw new ApiError(
        "forbidden",
        `${path.basename(target)} is a symbolic link to ${where}; Ratchet only writes real files in the skills folder. Change it on disk.`,
      );
    }
  }
  const skillFile = path.join(folder, "SKILL.md");
  if (await exists(skillFile)) {
    const stat = await lstat(/*turbopackIgnore: true*/ skillFile);
    if (!stat.isFile()) {
      throw new ApiError(
        "forbidden",
        `${name}/SKILL.md is not a regular file (a symbolic link?); Ratchet will not write through it. Change it on disk.`,
      );
    }
  }
  return { folder, flat };
}
