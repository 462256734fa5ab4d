import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const SKILL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface SkillSummary {
  name: string;
  description: string;
  file: string;
}

export function skillsDir(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.RATCHET_SKILLS_DIR ?? path.join(process.cwd(), "skills"),
  );
}

/** Reads `key: value` lines of a front matter block; the full YAML format arrives with the skills editor. */
export function readFrontMatter(text: string): Record<string, string> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const fields: Record<string, string> = {};
  for (const line of match?.[1]?.split(/\r?\n/) ?? []) {
    const kv = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (kv?.[1]) fields[kv[1]] = (kv[2] ?? "").replace(/^["']|["']$/g, "").trim();
  }
  return fields;
}

export async function listSkills(dir = skillsDir()): Promise<SkillSummary[]> {
  let entries: string[];
  try {
    entries = await readdir(/*turbopackIgnore: true*/ dir);
  } catch {
    return [];
  }
  const skills: SkillSummary[] = [];
  for (const name of entries.sort()) {
    if (!SKILL_NAME.test(name)) continue;
    const file = path.join(dir, name, "SKILL.md");
    try {
      const fields = readFrontMatter(await readFile(file, "utf8"));
      skills.push({ name, description: fields.description ?? "", file });
    } catch {
      // A folder without SKILL.md is not a skill.
    }
  }
  return skills;
}

export async function readSkill(name: string, dir = skillsDir()): Promise<string | null> {
  if (!SKILL_NAME.test(name)) return null;
  try {
    return await readFile(path.join(dir, name, "SKILL.md"), "utf8");
  } catch {
    return null;
  }
}
