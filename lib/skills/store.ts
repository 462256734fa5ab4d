import { randomUUID } from "node:crypto";
import { lstat, mkdir, rename, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  createSkillVersion,
  findLatestSkillVersion,
  findSkillVersion,
  renameSkillRecords,
  type SkillOrigin,
} from "@/lib/db/queries/skills";
import { ApiError } from "@/lib/errors";
import { processState } from "@/lib/process-state";
import { readSkillEntry, type SkillEntry, sha256 } from "./catalog";
import { type DiskState, SkillConflictError } from "./errors";
import { MAX_SKILL_BYTES, parseSkill, withName } from "./parse";
import { assertSkillName, skillsRoot, writablePaths } from "./paths";

// One writer at a time in the process: a save checks the disk, then writes, and nothing may slip in between.
const writes = processState<{ last: Promise<unknown> }>("skills.writes", () => ({ last: Promise.resolve() }));

function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const queue = writes();
  const run = queue.last.then(fn, fn);
  queue.last = run.catch(() => undefined);
  return run;
}

export function diskState(entry: SkillEntry | null): DiskState {
  return {
    exists: entry !== null,
    content: entry?.content ?? null,
    sha256: entry?.sha256 ?? null,
    mtime: entry?.mtime.toISOString() ?? null,
  };
}

/**
 * Records what is on disk as a version when history does not have it yet (the first time a skill is
 * seen, or after someone edited the file by hand), so no content is ever lost to a later save.
 */
export async function recordDiskVersion(entry: SkillEntry | null): Promise<void> {
  if (!entry?.content || !entry.sha256) return;
  await createSkillVersion({
    name: entry.name,
    content: entry.content,
    sha256: entry.sha256,
    origin: entry.format === "flat" ? "import" : "disk",
  });
}

export function assertSkillSize(content: string): void {
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes <= MAX_SKILL_BYTES) return;
  throw new ApiError(
    "payload_too_large",
    `The skill is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_SKILL_BYTES / 1024} KiB. Keep SKILL.md short and put long reference material in other files in the skill folder.`,
  );
}

function assertValid(content: string, name: string): void {
  const parsed = parseSkill(content, { name });
  if (parsed.ok) return;
  const { message, line } = parsed.error;
  throw new ApiError("unprocessable", line ? `Line ${line}: ${message}` : message);
}

async function writeSkillFile(folder: string, content: string): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const info = await lstat(/*turbopackIgnore: true*/ folder);
  if (!info.isDirectory()) throw new ApiError("forbidden", `${path.basename(folder)} is not a folder.`);
  // Write a temporary file, then rename over SKILL.md: readers never see half a file, and a
  // symlink at SKILL.md would be replaced, never followed.
  const tmp = path.join(folder, `.SKILL.md.${randomUUID()}.tmp`);
  await writeFile(/*turbopackIgnore: true*/ tmp, content, { flag: "wx", mode: 0o644 });
  try {
    await rename(/*turbopackIgnore: true*/ tmp, path.join(folder, "SKILL.md"));
  } catch (error) {
    await rm(/*turbopackIgnore: true*/ tmp, { force: true });
    throw error;
  }
}

export interface SaveInput {
  name: string;
  content: string;
  /** The sha256 of the file as the editor opened it; a different file on disk is a conflict. */
  baseSha256?: string | null;
  /** Only create: a 409 if the skill exists. */
  create?: boolean;
  origin?: Extract<SkillOrigin, "user" | "agent">;
  message?: string | null;
}

export interface SaveResult {
  name: string;
  created: boolean;
  changed: boolean;
  version: number;
}

async function saveLocked(input: SaveInput): Promise<SaveResult> {
  const { name, content } = input;
  assertSkillName(name);
  assertSkillSize(content);
  assertValid(content, name);
  const root = await skillsRoot({ create: true });
  const { folder, flat } = await writablePaths(name, root);
  const current = await readSkillEntry(name, root);
  if (input.create && current) {
    throw new SkillConflictError(`A skill named ${name} already exists.`, diskState(current));
  }
  if (input.baseSha256 && current?.sha256 !== input.baseSha256) {
    throw new SkillConflictError(
      current
        ? `${current.relPath} changed on disk since you opened it. Compare both versions and choose one.`
        : `${name} was deleted on disk since you opened it. Save again to create it anew.`,
      diskState(current),
    );
  }
  if (current && current.content === null) {
    throw new ApiError(
      "conflict",
      `${current.relPath} cannot be replaced: ${current.parsed.ok ? "it is unreadable" : current.parsed.error.message}`,
    );
  }
  await recordDiskVersion(current);
  const unchanged = current?.format === "folder" && current.sha256 === sha256(content);
  if (!unchanged) await writeSkillFile(folder, content);
  // A bmo-style flat file becomes a folder the first time it is saved.
  if (current?.format === "flat") await unlink(/*turbopackIgnore: true*/ flat);
  const { version } = await createSkillVersion({
    name,
    content,
    sha256: sha256(content),
    origin: input.origin ?? "user",
    message: input.message ?? (current ? null : "Created"),
  });
  return { name, created: current === null, changed: !unchanged, version: version.version };
}

/** Creates or updates `skills/<name>/SKILL.md` and records the new version. */
export function saveSkill(input: SaveInput): Promise<SaveResult> {
  return serialized(() => saveLocked(input));
}

/** Removes the skill's folder (or flat file). Its history stays, so it can be restored. */
export function deleteSkill(name: string, opts: { baseSha256?: string | null } = {}) {
  return serialized(async () => {
    assertSkillName(name);
    const root = await skillsRoot({ create: true });
    const { folder, flat } = await writablePaths(name, root);
    const current = await readSkillEntry(name, root);
    if (!current) throw new ApiError("not_found", `No skill named ${name}.`);
    if (opts.baseSha256 && current.sha256 !== opts.baseSha256) {
      throw new SkillConflictError(
        `${current.relPath} changed on disk since you opened it.`,
        diskState(current),
      );
    }
    await recordDiskVersion(current);
    if (current.format === "folder") await rm(/*turbopackIgnore: true*/ folder, { recursive: true });
    else await unlink(/*turbopackIgnore: true*/ flat);
    return { name, deleted: true as const };
  });
}

/** Renames the folder, the front matter's `name`, and moves the history and usage along. */
export function renameSkill(from: string, to: string) {
  return serialized(async () => {
    assertSkillName(from);
    assertSkillName(to);
    if (from === to) throw new ApiError("bad_request", "The new name is the same as the old one.");
    const root = await skillsRoot({ create: true });
    const source = await writablePaths(from, root);
    const target = await writablePaths(to, root);
    const current = await readSkillEntry(from, root);
    if (!current) throw new ApiError("not_found", `No skill named ${from}.`);
    if (await readSkillEntry(to, root)) throw new ApiError("conflict", `A skill named ${to} already exists.`);
    for (const taken of [target.folder, target.flat]) {
      if (await lstat(/*turbopackIgnore: true*/ taken).catch(() => null)) {
        throw new ApiError("conflict", `${path.basename(taken)} already exists in the skills folder.`);
      }
    }
    if (!current.content || !current.parsed.ok) {
      throw new ApiError(
        "unprocessable",
        `Fix ${current.relPath} before renaming it: ${current.parsed.ok ? "it is unreadable" : current.parsed.error.message}`,
      );
    }
    await recordDiskVersion(current);
    const content = withName(current.content, to);
    if (current.format === "folder") {
      await rename(/*turbopackIgnore: true*/ source.folder, target.folder);
      await writeSkillFile(target.folder, content);
    } else {
      await writeSkillFile(target.folder, content);
      await unlink(/*turbopackIgnore: true*/ source.flat);
    }
    await renameSkillRecords(from, to);
    const { version } = await createSkillVersion({
      name: to,
      content,
      sha256: sha256(content),
      origin: "user",
      message: `Renamed from ${from}`,
    });
    return { name: to, from, version: version.version };
  });
}

/** Writes an earlier version back as the newest one (also brings back a deleted skill). */
export async function restoreSkill(
  name: string,
  versionNumber: number,
  opts: { baseSha256?: string | null } = {},
): Promise<SaveResult & { restored: number }> {
  assertSkillName(name);
  const target = await findSkillVersion(name, versionNumber);
  if (!target) throw new ApiError("not_found", `${name} has no version ${versionNumber}.`);
  let content: string;
  try {
    // A version saved before a rename carries the old name.
    content = withName(target.content, name);
  } catch {
    throw new ApiError(
      "unprocessable",
      `Version ${versionNumber} has no valid front matter; it cannot be restored.`,
    );
  }
  const result = await saveSkill({
    name,
    content,
    baseSha256: opts.baseSha256,
    origin: "user",
    message: `Restored v${versionNumber}`,
  });
  return { ...result, restored: versionNumber };
}

export async function latestVersionNumber(name: string): Promise<number | null> {
  return (await findLatestSkillVersion(name))?.version ?? null;
}
