// Runs one edit (apply_patch, edit_file, write_file) inside the sandbox, on the session workspace it
// is started in: the server never reads or writes workspace files for the edit tools.
// usage: node edit-host.mjs <dir>; reads <dir>/request.json, writes <dir>/response.json.
//
// Every path is resolved under the working directory and compared by path component after links
// are followed, so `..`, an absolute path elsewhere and a link that leads out are all refused. All
// changes are computed in memory first; only when every file and hunk applies is anything written,
// and a write that fails part-way puts back what was already written.

import { realpathSync } from "node:fs";
import { lstat, mkdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { applyHunks, parsePatch } from "./patch.mjs";
import { replaceText } from "./replace.mjs";
import { decodeDoc, dominantEol, EditError, joinDoc, splitLines, unifiedDiff, withEndings } from "./text.mjs";

const dir = realpathSync(process.argv[2] ?? ".");
const root = realpathSync(process.cwd());
/** Larger files are not text a model edits by hand, and would make the diff and memory unbounded. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** @typedef {import("./text.mjs").Doc} Doc */
/** @typedef {{ rel: string, abs: string, original: Doc | null, current: Doc | null, from: string | null }} Entry */

/** @param {string} abs */
function inside(abs) {
  const rel = path.relative(root, abs);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/** @param {unknown} error */
function code(error) {
  return error && typeof error === "object" && "code" in error ? String(error.code) : "";
}

/**
 * The path `parts` (relative to the workspace) name once every link on the way is followed, read
 * with readlink rather than realpath: the sandbox hides most of what lies outside the workspace, and
 * a link to something hidden must still be seen to lead out. What does not exist yet ends the walk.
 * @param {string[]} parts
 */
async function followLinks(parts) {
  const queue = [...parts];
  let current = root;
  let hops = 0;
  let linked = false;
  while (queue.length > 0) {
    const part = /** @type {string} */ (queue.shift());
    if (part === "" || part === ".") continue;
    if (part === "..") {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    let info;
    try {
      info = await lstat(next);
    } catch (error) {
      if (code(error) === "ENOENT" || code(error) === "ENOTDIR" || code(error) === "EACCES")
        return { real: path.join(next, ...queue), linked };
      throw error;
    }
    if (!info.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++hops > 40)
      throw new EditError(`${parts.join("/")} goes round a loop of links. Nothing was changed.`);
    linked = true;
    const target = await readlink(next);
    if (path.isAbsolute(target)) current = path.parse(target).root;
    queue.unshift(...target.split(path.sep));
  }
  return { real: current, linked };
}

/**
 * The workspace-relative path a model's path names, after following every link on the way; refused
 * when it lies outside the workspace or inside `.git` (git's own files are changed by git alone).
 * @param {unknown} given
 */
async function resolvePath(given) {
  if (typeof given !== "string" || given.trim() === "") throw new EditError("a path is required");
  const shown = given.trim();
  if (shown.includes("\0")) throw new EditError(`the path ${JSON.stringify(shown)} contains a NUL byte`);
  const lexical = path.resolve(root, shown);
  const outside = `${shown} is outside the workspace (${root}); the edit tools change files in the workspace only. Nothing was changed.`;
  if (!inside(lexical) || lexical === root) throw new EditError(outside);
  const { real, linked } = await followLinks(path.relative(root, lexical).split(path.sep));
  if (!inside(real) || real === root)
    throw new EditError(
      linked
        ? `${shown} leads out of the workspace through a link (to ${real}); the edit tools change files in the workspace only. Nothing was changed.`
        : outside,
    );
  const rel = path.relative(root, real);
  if (rel.split(path.sep).includes(".git"))
    throw new EditError(
      `${shown} is inside .git; change git's own files with git commands. Nothing was changed.`,
    );
  return { rel: rel.split(path.sep).join("/"), abs: real, shown };
}

/**
 * The file as a Doc, or null when there is none.
 * @param {string} abs
 * @param {string} shown
 */
async function load(abs, shown) {
  let info;
  try {
    info = await lstat(abs);
  } catch (error) {
    if (code(error) === "ENOENT") return null;
    throw error;
  }
  if (info.isDirectory()) throw new EditError(`${shown} is a directory, not a file. Nothing was changed.`);
  if (!info.isFile()) throw new EditError(`${shown} is not a regular file. Nothing was changed.`);
  if (info.size > MAX_FILE_BYTES)
    throw new EditError(
      `${shown} is ${info.size} bytes, more than the edit tools change (${MAX_FILE_BYTES}); use run_command for it. Nothing was changed.`,
    );
  return decodeDoc(await readFile(abs), shown);
}

/** The files of one edit, read once each and changed in memory. */
class Workspace {
  /** @type {Map<string, Entry>} */
  entries = new Map();

  /** @param {unknown} given */
  async open(given) {
    const { rel, abs, shown } = await resolvePath(given);
    let entry = this.entries.get(rel);
    if (!entry) {
      const original = await load(abs, shown);
      entry = { rel, abs, original, current: original, from: null };
      this.entries.set(rel, entry);
    }
    return { entry, shown };
  }

  /** What changed, in the order the files were first named; a move shows once, as renamed. */
  changes() {
    const moved = new Set([...this.entries.values()].flatMap((e) => (e.from ? [e.from] : [])));
    const files = [];
    for (const entry of this.entries.values()) {
      if (entry.from) {
        const source = this.entries.get(entry.from);
        files.push({ entry, status: "renamed", before: source?.original ?? null, from: entry.from });
        continue;
      }
      if (moved.has(entry.rel) && entry.current === null) continue;
      const before = entry.original;
      const after = entry.current;
      if (before === null && after === null) continue;
      if (before && after && joinDoc(before) === joinDoc(after)) continue;
      const status = before === null ? "added" : after === null ? "deleted" : "modified";
      files.push({ entry, status, before, from: null });
    }
    return files;
  }
}

/** @param {string} text */
function docOf(text) {
  return { bom: false, ...splitLines(text) };
}

/**
 * @param {Workspace} ws
 * @param {string} patch
 */
async function applyPatch(ws, patch) {
  const notes = [];
  for (const op of parsePatch(patch)) {
    const where = `Patch line ${op.at}`;
    const { entry, shown } = await ws.open(op.path);
    if (op.kind === "add") {
      if (entry.current)
        throw new EditError(
          `${where}: ${shown} already exists; use "*** Update File: ${shown}" to change it, or delete it first. No file was changed.`,
        );
      entry.current = docOf(op.lines.map((line) => `${line}\n`).join(""));
      continue;
    }
    if (!entry.current)
      throw new EditError(
        `${where}: ${shown} does not exist${op.kind === "update" ? `; use "*** Add File: ${shown}" to create it` : ""}. No file was changed.`,
      );
    if (op.kind === "delete") {
      entry.current = null;
      continue;
    }
    const doc = entry.current;
    const { lines, kept, notes: hunkNotes } = applyHunks(shown, doc.lines, op.hunks);
    notes.push(...hunkNotes);
    const changed = withEndings(
      doc,
      lines,
      kept.map((index) => (index === null ? null : (doc.eols[index] ?? null))),
    );
    if (op.moveTo === null) {
      entry.current = changed;
      continue;
    }
    const target = await ws.open(op.moveTo);
    if (target.entry === entry) {
      entry.current = changed;
      continue;
    }
    if (target.entry.current)
      throw new EditError(
        `${where}: cannot move ${shown} to ${target.shown}: ${target.shown} already exists. Delete it first (*** Delete File:) if it should be replaced. No file was changed.`,
      );
    target.entry.current = changed;
    target.entry.from = entry.from ?? entry.rel;
    entry.current = null;
    entry.from = null;
  }
  return notes;
}

/**
 * @param {Workspace} ws
 * @param {{ path: unknown, old_string: string, new_string: string, replace_all?: boolean }} request
 */
async function editFile(ws, request) {
  const { entry, shown } = await ws.open(request.path);
  const doc = entry.current;
  if (!doc) {
    if (request.old_string !== "")
      throw new EditError(
        `${shown} does not exist. To create it, call edit_file with an empty old_string (or write_file). Nothing was changed.`,
      );
    entry.current = docOf(request.new_string);
    return [];
  }
  const text = joinDoc({ ...doc, bom: false });
  if (request.old_string === "") {
    if (text !== "")
      throw new EditError(
        `old_string is empty, but ${shown} exists and is not empty: give the exact text to replace, or use write_file to replace the whole file. Nothing was changed.`,
      );
    entry.current = { bom: doc.bom, ...splitLines(request.new_string) };
    return [];
  }
  const { text: out, count } = replaceText({
    shown,
    text,
    oldString: request.old_string,
    newString: request.new_string,
    replaceAll: request.replace_all === true,
    eol: dominantEol(doc.eols),
  });
  entry.current = { bom: doc.bom, ...splitLines(out) };
  return count > 1 ? [`replaced ${count} occurrences in ${shown}`] : [];
}

/**
 * @param {Workspace} ws
 * @param {{ path: unknown, content: string }} request
 */
async function writeWhole(ws, request) {
  const { entry } = await ws.open(request.path);
  const before = entry.current;
  // a CRLF file written back with "\n" line breaks stays CRLF, and keeps its byte order mark
  const crlf = before !== null && dominantEol(before.eols) === "\r\n" && !request.content.includes("\r\n");
  const content = crlf ? request.content.replaceAll("\n", "\r\n") : request.content;
  entry.current = { bom: before?.bom ?? false, ...splitLines(content) };
  return [];
}

/**
 * Writes every change, or none: a failure part-way puts back what was already written.
 * @param {ReturnType<Workspace["changes"]>} files
 * @param {Workspace} ws
 */
async function commit(files, ws) {
  /** @type {Entry[]} */
  const touched = [];
  for (const { entry } of files) {
    touched.push(entry);
    if (entry.from) {
      const source = ws.entries.get(entry.from);
      if (source) touched.push(source);
    }
  }
  /** @type {Entry[]} */
  const done = [];
  try {
    for (const entry of touched) {
      if (entry.current === null) {
        if (entry.original !== null) await rm(entry.abs);
      } else {
        await mkdir(path.dirname(entry.abs), { recursive: true });
        await writeFile(entry.abs, joinDoc(entry.current));
      }
      done.push(entry);
    }
  } catch (error) {
    for (const entry of done.reverse()) {
      if (entry.original === null) await rm(entry.abs, { force: true }).catch(() => {});
      else await writeFile(entry.abs, joinDoc(entry.original)).catch(() => {});
    }
    const why = code(error) === "EROFS" || code(error) === "EACCES" || code(error) === "EPERM";
    const name = path.relative(root, touched[done.length]?.abs ?? root) || ".";
    throw new EditError(
      why
        ? `${name} may not be written here (a protected file, or outside what the sandbox lets the edit tools write). No file was changed.`
        : `writing ${name} failed (${error instanceof Error ? error.message : String(error)}). No file was changed.`,
    );
  }
}

/** @param {string} name */
function field(name) {
  return (/** @type {Record<string, unknown>} */ request) => {
    const value = request[name];
    if (typeof value !== "string") throw new EditError(`${name} must be a string`);
    return value;
  };
}

async function main() {
  const request = JSON.parse(await readFile(path.join(dir, "request.json"), "utf8"));
  const limits = {
    maxLines: Number(request.maxDiffLines) || 400,
    maxBytes: Number(request.maxDiffBytes) || 64 * 1024,
  };
  const ws = new Workspace();
  let notes;
  if (request.tool === "apply_patch") notes = await applyPatch(ws, field("patch")(request));
  else if (request.tool === "edit_file")
    notes = await editFile(ws, {
      path: request.path,
      old_string: field("old_string")(request),
      new_string: field("new_string")(request),
      replace_all: request.replace_all === true,
    });
  else if (request.tool === "write_file")
    notes = await writeWhole(ws, { path: request.path, content: field("content")(request) });
  else throw new EditError(`unknown edit tool ${JSON.stringify(request.tool)}`);
  const files = ws.changes();
  await commit(files, ws);
  return {
    ok: true,
    notes,
    files: files.map(({ entry, status, before, from }) => ({
      path: entry.rel,
      status,
      from,
      ...unifiedDiff({
        from: before === null ? null : (from ?? entry.rel),
        to: entry.current === null ? null : entry.rel,
        before,
        after: entry.current,
        ...limits,
      }),
    })),
  };
}

let response;
try {
  response = await main();
} catch (error) {
  response =
    error instanceof EditError
      ? { ok: false, error: error.message }
      : {
          ok: false,
          error: `the edit failed: ${error instanceof Error ? error.message : String(error)}. Nothing was changed.`,
        };
}
await writeFile(path.join(dir, "response.json"), JSON.stringify(response));
process.exit(0);
