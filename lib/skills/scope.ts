import path from "node:path";
import { processState } from "@/lib/process-state";
import { listSkills, readSkillEntry, type SkillEntry, type SkillSummary, sha256, skillsDir } from "./catalog";
import { parseSkill, withName } from "./parse";

/**
 * One skill as an evaluation's replay sees it instead of the file on disk: a stored version's
 * content, or `null` for a skill that did not exist yet (the baseline of a skill's first version).
 */
export interface SkillOverride {
  name: string;
  content: string | null;
}

const overrides = processState("skills.overrides", () => new Map<string, SkillOverride>());

/** Set by the server for its own replay sessions only; null takes the override away. */
export function scopeSkills(sessionId: string, override: SkillOverride | null): void {
  if (override) overrides().set(sessionId, override);
  else overrides().delete(sessionId);
}

/** The override as the catalog reads a skill: same path, the stored content instead of the file's. */
function entryOf(name: string, content: string): SkillEntry {
  let text = content;
  try {
    // a version saved before a rename carries the old name
    text = withName(content, name);
  } catch {}
  const relPath = `${name}/SKILL.md`;
  return {
    name,
    format: "folder",
    file: path.join(skillsDir(), relPath),
    relPath,
    content: text,
    sha256: sha256(text),
    size: Buffer.byteLength(text, "utf8"),
    mtime: new Date(0),
    parsed: parseSkill(text, { name }),
  };
}

/**
 * The skill a session's `load_skill` reads: the override when it names this skill, else the file.
 * Every path by which a turn sees a skill (the prompt's list, trigger hints, load_skill) goes
 * through here or `sessionSkills`, so a replay sees one version consistently.
 */
export async function sessionSkillEntry(sessionId: string, name: string): Promise<SkillEntry | null> {
  const override = overrides().get(sessionId);
  if (override?.name !== name) return readSkillEntry(name);
  return override.content === null ? null : entryOf(name, override.content);
}

/** The skills the model may choose in this session (the prompt's list and the triggers). */
export async function sessionSkills(sessionId: string): Promise<SkillSummary[]> {
  const skills = await listSkills();
  const override = overrides().get(sessionId);
  if (!override) return skills;
  const others = skills.filter((s) => s.name !== override.name);
  if (override.content === null) return others;
  const entry = entryOf(override.name, override.content);
  if (!entry.parsed.ok || !entry.parsed.skill.modelInvocable) return others;
  const summary: SkillSummary = {
    name: entry.name,
    description: entry.parsed.skill.description,
    triggers: entry.parsed.skill.triggers,
    file: entry.file,
  };
  return [...others, summary].sort((a, b) => a.name.localeCompare(b.name));
}
