import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
} from "node:fs";
import { type FileHandle, open, readlink, realpath } from "node:fs/promises";
import path from "node:path";

/**
 * The one way the server reads a file on the agent's behalf (AGENTS.md, CLAUDE.md, skills): such a
 * file sits in a folder that agent code or a checked-out repository controls, so it is hostile.
 * A symbolic link at any component, a hard link (another file's contents under a harmless name), a
 * FIFO or device (a read that never ends), or a file that resolves anywhere but where it was asked
 * for is refused, and the size is capped on the open descriptor: what was checked is what is read.
 */

// O_NOFOLLOW: the last component may not be a link. O_NONBLOCK: opening a FIFO returns at once
// (fstat then refuses it) instead of waiting for a writer forever. O_NOCTTY: a terminal device
// never becomes the server's controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

export interface Opened {
  ok: true;
  handle: FileHandle;
  /** From the open descriptor: the file that will be read, not one that was there a moment before. */
  stat: BigIntStats;
  /** Its real, absolute path. */
  file: string;
}

export interface NotOpened {
  ok: false;
  /** Nothing is there (a dangling link is not missing: it is refused). */
  missing: boolean;
  /** Why, in words for the user (never the file's contents). */
  reason: string;
}

function refused(reason: string): NotOpened {
  return { ok: false, missing: false, reason };
}

const MISSING: NotOpened = { ok: false, missing: true, reason: "it does not exist" };

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** A relative path of plain names: no `..`, no absolute path, no empty or `.` segment. */
function plainSegments(relative: string): string[] | null {
  const parts = relative.split("/");
  return parts.every((p) => p !== "" && p !== "." && p !== ".." && !p.includes("\0")) ? parts : null;
}

async function openedPath(handle: FileHandle): Promise<string | null> {
  try {
    return await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    // no /proc (not Linux, or hidden): the parent check before opening stands alone
    return null;
  }
}

function openedPathSync(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/** Where a file would be opened, or why it may not be: the part of the checks that needs no I/O. */
function target(relative: string): { segments: string[] } | NotOpened {
  const segments = plainSegments(relative);
  return segments ? { segments } : refused(`"${relative}" is not a plain relative path`);
}

/** The real folder did not resolve. */
function parentRefusal(error: unknown): NotOpened {
  return errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR"
    ? MISSING
    : refused(`its folder cannot be read (${errorCode(error) ?? "error"})`);
}

const LINKED_PARENT = refused("a folder on its path is a symbolic link");

function openRefusal(error: unknown): NotOpened {
  switch (errorCode(error)) {
    case "ENOENT":
    case "ENOTDIR":
      return MISSING;
    case "ELOOP":
      return refused("it is a symbolic link");
    case "ENXIO":
      return refused("it is not a regular file (a socket?)");
    case "EACCES":
    case "EPERM":
      return refused("it is not readable");
    default:
      return refused(`it cannot be opened (${errorCode(error) ?? "error"})`);
  }
}

/** What the open descriptor is, against what was asked for. */
function openedProblem(info: BigIntStats, opened: string | null, file: string): string | null {
  if (!info.isFile()) return "it is not a regular file (a folder, FIFO, socket or device)";
  if (info.nlink !== 1n)
    return `it has ${info.nlink} hard links (a hard link can carry another file's contents under this name)`;
  // the folder could have been swapped for a link between the check above and open()
  if (opened !== null && opened !== file) return "it resolved to another place while it was opened";
  return null;
}

/**
 * Opens `relative` (plain names separated by `/`) inside `folder` for reading, refusing anything
 * but a regular file with one link whose real path is exactly `<real folder>/<relative>`. The
 * caller must close the handle (`readOpened` does not).
 */
export async function openInside(folder: string, relative: string): Promise<Opened | NotOpened> {
  const where = target(relative);
  if ("ok" in where) return where;
  let root: string;
  try {
    root = await realpath(/*turbopackIgnore: true*/ folder);
  } catch {
    return MISSING;
  }
  const file = path.join(root, ...where.segments);
  const parent = path.dirname(file);
  // A link in a folder on the way would be followed by open() (O_NOFOLLOW covers the last name only).
  try {
    if ((await realpath(/*turbopackIgnore: true*/ parent)) !== parent) return LINKED_PARENT;
  } catch (error) {
    return parentRefusal(error);
  }
  let handle: FileHandle;
  try {
    handle = await open(/*turbopackIgnore: true*/ file, OPEN_FLAGS);
  } catch (error) {
    return openRefusal(error);
  }
  let stat: BigIntStats;
  let problem: string | null;
  try {
    stat = await handle.stat({ bigint: true });
    problem = openedProblem(stat, stat.isFile() ? await openedPath(handle) : null, file);
  } catch (error) {
    problem = `it cannot be read (${errorCode(error) ?? "error"})`;
  }
  if (problem) {
    await handle.close().catch(() => {});
    return refused(problem);
  }
  return { ok: true, handle, stat: stat!, file };
}

export interface OpenedSync extends Omit<Opened, "handle"> {
  fd: number;
}

/**
 * `openInside`, each step made in place: for the small files read on every turn (the skills), where
 * a round trip through the thread pool per step cost more than the reads (docs/benchmarks.md §26).
 * The caller must close `fd`.
 */
export function openInsideSync(folder: string, relative: string): OpenedSync | NotOpened {
  const where = target(relative);
  if ("ok" in where) return where;
  let root: string;
  try {
    root = realpathSync.native(/*turbopackIgnore: true*/ folder);
  } catch {
    return MISSING;
  }
  const file = path.join(root, ...where.segments);
  const parent = path.dirname(file);
  try {
    if (realpathSync.native(/*turbopackIgnore: true*/ parent) !== parent) return LINKED_PARENT;
  } catch (error) {
    return parentRefusal(error);
  }
  let fd: number;
  try {
    fd = openSync(/*turbopackIgnore: true*/ file, OPEN_FLAGS);
  } catch (error) {
    return openRefusal(error);
  }
  let stat: BigIntStats;
  let problem: string | null;
  try {
    stat = fstatSync(fd, { bigint: true });
    problem = openedProblem(stat, stat.isFile() ? openedPathSync(fd) : null, file);
  } catch (error) {
    problem = `it cannot be read (${errorCode(error) ?? "error"})`;
  }
  if (problem) {
    closeQuietly(fd);
    return refused(problem);
  }
  return { ok: true, fd, stat: stat!, file };
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing is held
  }
}

/** Reads at most `maxBytes` from the start of an open file; `truncated` when there was more. */
export async function readOpened(
  handle: FileHandle,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  // one byte more than allowed tells a file of exactly maxBytes from a longer one
  const buffer = Buffer.alloc(maxBytes + 1);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return { bytes: buffer.subarray(0, Math.min(filled, maxBytes)), truncated: filled > maxBytes };
}

/** `readOpened` on a descriptor from `openInsideSync`. */
export function readOpenedSync(fd: number, maxBytes: number): { bytes: Buffer; truncated: boolean } {
  const buffer = Buffer.alloc(maxBytes + 1);
  let filled = 0;
  while (filled < buffer.length) {
    const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return { bytes: buffer.subarray(0, Math.min(filled, maxBytes)), truncated: filled > maxBytes };
}

export type InsideRead =
  | { kind: "ok"; text: string; truncated: boolean; file: string }
  | { kind: "missing" }
  | { kind: "refused"; reason: string };

/** `openInside` + `readOpened` as UTF-8 text, the handle always closed. */
export async function readInside(folder: string, relative: string, maxBytes: number): Promise<InsideRead> {
  const opened = await openInside(folder, relative);
  if (!opened.ok) return opened.missing ? { kind: "missing" } : { kind: "refused", reason: opened.reason };
  try {
    const { bytes, truncated } = await readOpened(opened.handle, maxBytes);
    return { kind: "ok", text: new TextDecoder().decode(bytes), truncated, file: opened.file };
  } finally {
    await opened.handle.close().catch(() => {});
  }
}

/** `readInside`, each step made in place (see `openInsideSync`). */
export function readInsideSync(folder: string, relative: string, maxBytes: number): InsideRead {
  const opened = openInsideSync(folder, relative);
  if (!opened.ok) return opened.missing ? { kind: "missing" } : { kind: "refused", reason: opened.reason };
  try {
    const { bytes, truncated } = readOpenedSync(opened.fd, maxBytes);
    return { kind: "ok", text: new TextDecoder().decode(bytes), truncated, file: opened.file };
  } finally {
    closeQuietly(opened.fd);
  }
}
