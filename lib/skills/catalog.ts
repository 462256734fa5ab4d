import { createHash } from "node:crypto";
import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { closeQuietly, type OpenedSync, openInsideSync, readOpenedSync } from "@/lib/fs/read-inside";
import { processState } from "@/lib/process-state";
import { MAX_SKILL_BYTES, type ParseResult, parseSkill, SKILL_NAME } from "./parse";
import { skillsDir } from "./paths";

export { SKILL_NAME, skillsDir };

/** What the system prompt and the tool registry need of a skill. */
export interface SkillSummary {
  name: string;
  description: string;
  triggers: string[];
  file: string;
}

/**
 * One skill on disk: `skills/<name>/SKILL.md` (the Agent Skills layout) or a bmo-style flat
 * `skills/<name>.md`, which is read the same way and becomes a folder the first time it is saved.
 */
export interface SkillEntry {
  name: string;
  format: "folder" | "flat";
  /** Absolute path of the markdown file. */
  file: string;
  /** The same, relative to the skills folder: `name/SKILL.md` or `name.md`. */
  relPath: string;
  /** Null when the file could not be read (too large, a link leaving the folder). */
  content: string | null;
  sha256: string | null;
  size: number;
  mtime: Date;
  parsed: ParseResult;
}

export interface IgnoredEntry {
  entry: string;
  reason: string;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Skills read before, by file: the prompt lists every skill on every turn, and reading and parsing
 * them all again each time is most of that. Any write changes the file's ctime (which no one can set
 * back), so a file with the same inode, size, mtime and ctime has the same content. File times tick
 * coarsely (a few ms), so a file changed in the last SETTLED_MS is not remembered: a second write
 * in the same tick would look the same.
 */
const SETTLED_MS = 1000;
interface KnownRead {
  identity: string;
  read: { content: string; sha256: string; parsed: ParseResult };
}
const readCache = processState("skills.reads", () => new Map<string, KnownRead>());

function failed(message: string): ParseResult {
  return { ok: false, error: { message, line: null, column: null } };
}

/*
 * The prompt lists every skill on every turn, so the folder is scanned and each file opened every
 * turn. That is done in place (lib/fs/read-inside.ts, `openInsideSync`): the files are small and
 * local, and through the thread pool the scan's dozens of steps took ≈ 6 ms a turn (docs/benchmarks.md §26).
 */

function readEntry(root: string, name: string, format: SkillEntry["format"]): SkillEntry | null {
  const relPath = format === "folder" ? `${name}/SKILL.md` : `${name}.md`;
  const file = path.join(root, relPath);
  // the file that was checked is the file that is read: no link, no hard link, no FIFO (lib/fs)
  const opened = openInsideSync(root, relPath);
  if (!opened.ok) {
    if (opened.missing) return null;
    const info = lstatSync(/*turbopackIgnore: true*/ file, { throwIfNoEntry: false });
    return {
      name,
      format,
      file,
      relPath,
      size: 0,
      mtime: info?.mtime ?? new Date(0),
      content: null,
      sha256: null,
      parsed: failed(
        `${relPath} is not read: ${opened.reason}. Ratchet reads skills only from regular files in the skills folder.`,
      ),
    };
  }
  try {
    return readOpenedEntry(opened, { name, format, file, relPath });
  } finally {
    closeQuietly(opened.fd);
  }
}

function readOpenedEntry(
  opened: OpenedSync,
  where: Pick<SkillEntry, "name" | "format" | "file" | "relPath">,
): SkillEntry {
  const info = opened.stat;
  const base = { ...where, size: Number(info.size), mtime: info.mtime };
  const tooLarge = (size: number): SkillEntry => ({
    ...base,
    content: null,
    sha256: null,
    parsed: failed(
      `${where.relPath} is ${Math.ceil(size / 1024)} KiB, over the ${MAX_SKILL_BYTES / 1024} KiB limit for a skill; move long reference material into other files in the skill folder.`,
    ),
  });
  if (base.size > MAX_SKILL_BYTES) return tooLarge(base.size);
  const identity = `${where.name}:${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  const known = readCache().get(where.file);
  if (known?.identity === identity) return { ...base, ...known.read };
  const { bytes, truncated } = readOpenedSync(opened.fd, MAX_SKILL_BYTES);
  // it grew after the descriptor's size was read
  if (truncated) return tooLarge(MAX_SKILL_BYTES + 1);
  const content = new TextDecoder().decode(bytes);
  const read = { content, sha256: sha256(content), parsed: parseSkill(content, { name: where.name }) };
  if (Date.now() - Number(info.ctimeNs / 1_000_000n) > SETTLED_MS)
    readCache().set(where.file, { identity, read });
  return { ...base, ...read };
}

/** Reads one skill by name (folder first, then a flat file); null when there is none. */
export async function readSkillEntry(name: string, dir = skillsDir()): Promise<SkillEntry | null> {
  if (!SKILL_NAME.test(name)) return null;
  let root: string;
  try {
    root = realpathSync.native(/*turbopackIgnore: true*/ dir);
  } catch {
    return null;
  }
  return readEntry(root, name, "folder") ?? readEntry(root, name, "flat");
}

/** Every skill in the folder, valid or not, sorted by name, plus what was skipped and why. */
export async function scanSkills(
  dir = skillsDir(),
): Promise<{ skills: SkillEntry[]; ignored: IgnoredEntry[] }> {
  let root: string;
  let names: string[];
  try {
    root = realpathSync.native(/*turbopackIgnore: true*/ dir);
    names = readdirSync(/*turbopackIgnore: true*/ root);
  } catch {
    return { skills: [], ignored: [] };
  }
  const folders = new Map<string, SkillEntry>();
  const flats = new Map<string, SkillEntry>();
  const ignored: IgnoredEntry[] = [];
  const found = names.sort().map((entry) => scanEntry(root, entry));
  for (const item of found) {
    if (item?.kind === "ignored") ignored.push(item.ignored);
    else if (item?.kind === "folder") folders.set(item.skill.name, item.skill);
    else if (item?.kind === "flat") flats.set(item.skill.name, item.skill);
  }
  for (const [name, flat] of flats) {
    if (folders.has(name))
      ignored.push({ entry: flat.relPath, reason: `${name}/SKILL.md takes precedence.` });
    else folders.set(name, flat);
  }
  const skills = [...folders.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { skills, ignored };
}

type Scanned =
  | { kind: "folder" | "flat"; skill: SkillEntry }
  | { kind: "ignored"; ignored: IgnoredEntry }
  | null;

function scanEntry(root: string, entry: string): Scanned {
  if (entry.startsWith(".")) return null;
  const info = quietly(() => lstatSync(/*turbopackIgnore: true*/ path.join(root, entry)));
  const isDir = info?.isDirectory() || (info?.isSymbolicLink() && isDirectory(path.join(root, entry)));
  if (isDir) {
    if (!SKILL_NAME.test(entry)) {
      return hasSkillFile(path.join(root, entry))
        ? { kind: "ignored", ignored: { entry, reason: badName(entry) } }
        : null;
    }
    const skill = quietly(() => readEntry(root, entry, "folder"));
    return skill ? { kind: "folder", skill } : null;
  }
  if (!entry.endsWith(".md") || entry === "README.md") return null;
  const name = entry.slice(0, -3);
  if (!SKILL_NAME.test(name)) return { kind: "ignored", ignored: { entry, reason: badName(name) } };
  const skill = quietly(() => readEntry(root, name, "flat"));
  return skill ? { kind: "flat", skill } : null;
}

/** What `read` returns, or null when it throws (an entry that vanished or cannot be read). */
function quietly<T>(read: () => T | null | undefined): T | null {
  try {
    return read() ?? null;
  } catch {
    return null;
  }
}

function badName(name: string): string {
  return `"${name}" is not a valid skill name (lowercase letters, digits and single dashes, no dash at either end).`;
}

function isDirectory(target: string): boolean {
  return quietly(() => statSync(/*turbopackIgnore: true*/ target))?.isDirectory() ?? false;
}

function hasSkillFile(folder: string): boolean {
  return quietly(() => statSync(/*turbopackIgnore: true*/ path.join(folder, "SKILL.md"))) !== null;
}

/**
 * The valid skills the model may choose: what the system prompt lists and triggers suggest. A skill
 * with `disable-model-invocation: true` is left out (people list it on the Skills page; `load_skill`
 * loads it only when the user names it).
 */
export async function listSkills(dir = skillsDir()): Promise<SkillSummary[]> {
  const { skills } = await scanSkills(dir);
  return skills.flatMap((s) =>
    s.parsed.ok && s.parsed.skill.modelInvocable
      ? [
          {
            name: s.name,
            description: s.parsed.skill.description,
            triggers: s.parsed.skill.triggers,
            file: s.file,
          },
        ]
      : [],
  );
}

export interface SkillFileInfo {
  /** Relative to the skill folder, with `/` separators. */
  path: string;
  size: number;
  kind: "file" | "link";
}

const MAX_LISTED_FILES = 200;
const MAX_DEPTH = 4;

/** The other files in a skill's folder (scripts, references, templates), without following links. */
export async function listSkillFiles(
  entry: SkillEntry,
): Promise<{ files: SkillFileInfo[]; truncated: boolean }> {
  if (entry.format !== "folder") return { files: [], truncated: false };
  const folder = path.dirname(entry.file);
  const files: SkillFileInfo[] = [];
  let truncated = false;
  async function walk(dir: string, depth: number): Promise<void> {
    const items = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true }).catch(() => []);
    for (const item of items.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= MAX_LISTED_FILES) {
        truncated = true;
        return;
      }
      if (item.name.startsWith(".")) continue;
      const full = path.join(dir, item.name);
      const rel = path.relative(folder, full).split(path.sep).join("/");
      if (rel === "SKILL.md") continue;
      if (item.isSymbolicLink()) files.push({ path: rel, size: 0, kind: "link" });
      else if (item.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(full, depth + 1);
        else truncated = true;
      } else if (item.isFile()) {
        const info = await stat(/*turbopackIgnore: true*/ full).catch(() => null);
        files.push({ path: rel, size: info?.size ?? 0, kind: "file" });
      }
    }
  }
  await walk(folder, 1);
  return { files, truncated };
}
