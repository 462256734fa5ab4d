/**
 * What the skills routes answer (app/api/skills/**). The types are the contract the browser reads:
 * components import them with `import type`, so a change here breaks their build.
 */
import "server-only";
import {
  findSkillVersion,
  firstSkillVersionTimes,
  lastSkillLoads,
  listRecentAgentSessions,
  listSkillLoadsSince,
  listSkillVersions,
  listVersionedSkillNames,
  skillsLoadedIn,
} from "@/lib/db/queries/skills";
import { ApiError } from "@/lib/errors";
import { type IgnoredEntry, listSkillFiles, readSkillEntry, type SkillEntry, scanSkills } from "./catalog";
import type { SkillProblem } from "./parse";
import { recordDiskVersion, type renameSkill, type SaveResult } from "./store";

export type { DiskState } from "./errors";

/** A skill is flagged unused when none of the last this-many agent sessions loaded it. */
export const UNUSED_WINDOW = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SkillUsage {
  loads30d: number;
  suggested30d: number;
  /** Suggestions the model followed by loading the skill in the same turn. */
  followed30d: number;
  lastUsedAt: string | null;
  unusedSessions: boolean;
}

export interface SkillListItem extends SkillUsage {
  name: string;
  format: SkillEntry["format"];
  path: string;
  description: string;
  triggers: string[];
  /** False for `disable-model-invocation: true`: for people to ask for, never offered to the model. */
  modelInvocable: boolean;
  allowedTools: string[];
  warnings: SkillProblem[];
  valid: boolean;
  error: SkillProblem | null;
  mtime: string;
}

function summary(entry: SkillEntry) {
  const { parsed } = entry;
  return {
    name: entry.name,
    format: entry.format,
    path: entry.relPath,
    description: parsed.ok ? parsed.skill.description : "",
    triggers: parsed.ok ? parsed.skill.triggers : [],
    modelInvocable: parsed.ok ? parsed.skill.modelInvocable : true,
    allowedTools: parsed.ok ? parsed.skill.allowedTools : [],
    warnings: parsed.ok ? parsed.skill.warnings : [],
    valid: parsed.ok,
    error: parsed.ok ? null : parsed.error,
    mtime: entry.mtime.toISOString(),
  };
}

/** Usage per skill: loads and suggestions in the last 30 days, last load, and the unused flag. */
export async function skillUsage(names: string[], now = new Date()): Promise<Map<string, SkillUsage>> {
  const [rows, last, recent, firstSeen] = await Promise.all([
    listSkillLoadsSince(new Date(now.getTime() - 30 * DAY_MS)),
    lastSkillLoads(),
    listRecentAgentSessions(UNUSED_WINDOW),
    firstSkillVersionTimes(),
  ]);
  const loadedIn = recent.length === UNUSED_WINDOW ? await skillsLoadedIn(recent.map((s) => s.id)) : null;
  const oldest = recent.at(-1)?.createdAt ?? now;
  const loadedTurns = new Set(rows.filter((r) => r.kind === "loaded").map((r) => `${r.skill}\n${r.turnId}`));
  const usage = new Map<string, SkillUsage>();
  for (const name of names) {
    const mine = rows.filter((r) => r.skill === name);
    const suggested = mine.filter((r) => r.kind === "suggested");
    // Only skills that existed for all of the last N sessions can be called unused in them.
    const watchedSince = firstSeen.get(name) ?? now;
    usage.set(name, {
      loads30d: mine.length - suggested.length,
      suggested30d: suggested.length,
      followed30d: suggested.filter((r) => r.turnId && loadedTurns.has(`${name}\n${r.turnId}`)).length,
      lastUsedAt: last.get(name)?.toISOString() ?? null,
      unusedSessions: loadedIn !== null && !loadedIn.has(name) && watchedSince <= oldest,
    });
  }
  return usage;
}

export interface SkillList {
  skills: SkillListItem[];
  /** Folder entries that are not skills, and why (a bad name, shadowed by a folder). */
  ignored: IgnoredEntry[];
  /** Skills deleted from disk whose history is kept (restore one with POST /restore). */
  deleted: string[];
  unusedWindow: number;
}

export async function skillList(now = new Date()): Promise<SkillList> {
  const { skills, ignored } = await scanSkills();
  const versioned = new Set(await listVersionedSkillNames());
  // The first time a skill is listed, its file as it is becomes version 1.
  for (const entry of skills) if (!versioned.has(entry.name)) await recordDiskVersion(entry);
  const usage = await skillUsage(
    skills.map((s) => s.name),
    now,
  );
  const onDisk = new Set(skills.map((s) => s.name));
  return {
    skills: skills.map((entry) => ({ ...summary(entry), ...(usage.get(entry.name) as SkillUsage) })),
    ignored,
    deleted: [...versioned].filter((name) => !onDisk.has(name)).sort(),
    unusedWindow: UNUSED_WINDOW,
  };
}

/** Newest first: what the history list shows of each version. */
export async function skillVersionSummaries(name: string) {
  const rows = await listSkillVersions(name);
  return rows.map((v) => ({
    version: v.version,
    sha256: v.sha256,
    origin: v.origin,
    message: v.message,
    createdAt: v.createdAt.toISOString(),
  }));
}

export async function skillDetail(name: string, now = new Date()) {
  const entry = await readSkillEntry(name);
  if (!entry) return null;
  // An edit made on disk (by hand, by git) becomes a version the first time it is seen.
  await recordDiskVersion(entry);
  const [files, versions, usage] = await Promise.all([
    listSkillFiles(entry),
    skillVersionSummaries(name),
    skillUsage([name], now),
  ]);
  const { parsed } = entry;
  return {
    ...summary(entry),
    content: entry.content,
    sha256: entry.sha256,
    size: entry.size,
    frontMatter: parsed.ok ? parsed.skill.frontMatter : null,
    bodyLine: parsed.ok ? parsed.skill.bodyLine : null,
    files: files.files,
    filesTruncated: files.truncated,
    versions,
    ...(usage.get(name) as SkillUsage),
  };
}

export type SkillDetail = NonNullable<Awaited<ReturnType<typeof skillDetail>>>;
export type SkillVersionSummary = Awaited<ReturnType<typeof skillVersionSummaries>>[number];

/** GET /api/skills/:name/versions, or null when the skill has no history. */
export async function skillVersionList(name: string) {
  const versions = await skillVersionSummaries(name);
  return versions.length === 0 ? null : { name, versions };
}
export type SkillVersionList = NonNullable<Awaited<ReturnType<typeof skillVersionList>>>;

/** GET /api/skills/:name/versions/:version: one version with its content, or null. */
export async function skillVersionContent(name: string, version: number) {
  const row = await findSkillVersion(name, version);
  if (!row) return null;
  return {
    name,
    version: row.version,
    sha256: row.sha256,
    origin: row.origin,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    content: row.content,
  };
}
export type SkillVersionContent = NonNullable<Awaited<ReturnType<typeof skillVersionContent>>>;

/** What a save, restore or rename answers: the skill as it is now, with what the write did. */
export async function skillAfterWrite<R extends { name: string }>(result: R): Promise<SkillDetail & R> {
  const detail = await skillDetail(result.name);
  // only when the file was removed on disk between the write and this read
  if (!detail) throw new ApiError("not_found", `No skill named ${result.name}.`);
  return { ...detail, ...result };
}

/** PUT /api/skills/:name. */
export type SavedSkill = SkillDetail & SaveResult;
/** POST /api/skills/:name/restore. */
export type RestoredSkill = SavedSkill & { restored: number };
/** POST /api/skills/:name/rename. */
export type RenamedSkill = SkillDetail & Awaited<ReturnType<typeof renameSkill>>;

/** DELETE /api/skills/:name. */
export interface SkillDeleted {
  name: string;
  deleted: true;
}
