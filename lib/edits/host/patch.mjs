// The patch format OpenAI's models are trained on ("V4A", the apply_patch tool), parsed and applied
// to lines in memory. Pure: the edit host reads and writes the files.
//
//   *** Begin Patch
//   *** Add File: path            every following line starts with "+"
//   *** Delete File: path
//   *** Update File: path
//   *** Move to: new/path         optional, right after Update File
//   @@ anchor                     optional: a line to find first (stack several to narrow down)
//    context  -removed  +added    one leading character each; an empty line is empty context
//   *** End of File               optional: the hunk ends at the end of the file
//   *** End Patch
//
// Lines are matched exactly, then ignoring trailing whitespace, then ignoring surrounding
// whitespace, and never more loosely than that: a patch that needs more is refused with what was
// expected and what the file holds, so the model can correct it.

import { EditError } from "./text.mjs";

/** @typedef {{ kind: " " | "-" | "+", text: string }} HunkLine */
/** @typedef {{ anchors: string[], lines: HunkLine[], eof: boolean, at: number }} Hunk */
/**
 * @typedef {{ kind: "add", path: string, lines: string[], at: number }
 *   | { kind: "delete", path: string, at: number }
 *   | { kind: "update", path: string, moveTo: string | null, hunks: Hunk[], at: number }} FileOp
 */

const BEGIN = "*** Begin Patch";
const END = "*** End Patch";
const ADD = "*** Add File:";
const DELETE = "*** Delete File:";
const UPDATE = "*** Update File:";
const MOVE = "*** Move to:";
const EOF_MARK = "*** End of File";
/** A unified-diff hunk header some models write instead of a bare "@@": it places nothing here. */
const UNIFIED_HEADER = /^-\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;

const FORMAT_HINT =
  "The format: *** Begin Patch, then per file *** Add File: <path> (lines starting with +), *** Delete File: <path>, or *** Update File: <path> (optional *** Move to: <path>) with hunks of ' ' context, '-' removed and '+' added lines, each hunk optionally starting with @@ <a line to find first>; then *** End Patch.";

/**
 * @param {number} at 1-based line of the patch
 * @param {string} message
 */
function patchError(at, message) {
  return new EditError(`Patch line ${at}: ${message}`);
}

/** @param {string} line */
function isFileHeader(line) {
  return line.startsWith(ADD) || line.startsWith(DELETE) || line.startsWith(UPDATE);
}

/**
 * @param {string} line
 * @param {string} prefix
 * @param {number} at
 */
function headerPath(line, prefix, at) {
  const value = line.slice(prefix.length).trim();
  if (!value) throw patchError(at, `"${prefix}" needs a path after it`);
  return value;
}

/**
 * Parses a whole patch; throws an EditError naming the patch line that is wrong.
 * @param {string} patch
 * @returns {FileOp[]}
 */
export function parsePatch(patch) {
  // one trailing "\r" per line: a patch sent with CRLF line endings reads like one with LF
  const lines = patch.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  let first = 0;
  while (first < lines.length && lines[first].trim() === "") first++;
  let last = lines.length - 1;
  while (last >= first && lines[last].trim() === "") last--;
  if (first > last) throw new EditError(`The patch is empty. ${FORMAT_HINT}`);
  if (lines[first].trim() !== BEGIN)
    throw patchError(
      first + 1,
      `a patch starts with "${BEGIN}", not "${lines[first].slice(0, 80)}". ${FORMAT_HINT}`,
    );
  if (lines[last].trim() !== END)
    throw patchError(
      last + 1,
      `a patch ends with "${END}" (after the last hunk), not "${lines[last].slice(0, 80)}".`,
    );

  /** @type {FileOp[]} */
  const ops = [];
  let i = first + 1;
  while (i < last) {
    const line = lines[i];
    const at = i + 1;
    if (line.startsWith(ADD)) {
      const path = headerPath(line, ADD, at);
      const body = [];
      i++;
      while (i < last && !isFileHeader(lines[i])) {
        if (!lines[i].startsWith("+"))
          throw patchError(
            i + 1,
            `in "*** Add File: ${path}" every line of the new file starts with "+" (an empty line is a lone "+"); found "${lines[i].slice(0, 80)}".`,
          );
        body.push(lines[i].slice(1));
        i++;
      }
      ops.push({ kind: "add", path, lines: body, at });
    } else if (line.startsWith(DELETE)) {
      ops.push({ kind: "delete", path: headerPath(line, DELETE, at), at });
      i++;
      if (i < last && !isFileHeader(lines[i]))
        throw patchError(
          i + 1,
          `"*** Delete File:" takes no lines after it; found "${lines[i].slice(0, 80)}".`,
        );
    } else if (line.startsWith(UPDATE)) {
      const path = headerPath(line, UPDATE, at);
      i++;
      let moveTo = null;
      if (i < last && lines[i].startsWith(MOVE)) {
        moveTo = headerPath(lines[i], MOVE, i + 1);
        i++;
      }
      const start = i;
      while (i < last && !isFileHeader(lines[i])) i++;
      const hunks = parseHunks(lines.slice(start, i), start + 1, path);
      if (hunks.length === 0 && moveTo === null)
        throw patchError(
          at,
          `"*** Update File: ${path}" has no hunks: give the lines to change, or *** Move to: to rename it.`,
        );
      ops.push({ kind: "update", path, moveTo, hunks, at });
    } else {
      throw patchError(
        at,
        `expected "*** Add File:", "*** Delete File:", "*** Update File:" or "${END}", found "${line.slice(0, 80)}". ${FORMAT_HINT}`,
      );
    }
  }
  if (ops.length === 0) throw patchError(first + 1, `the patch changes no file. ${FORMAT_HINT}`);
  return ops;
}

/**
 * The hunks of one Update File section.
 * @param {string[]} lines
 * @param {number} firstAt 1-based patch line of lines[0]
 * @param {string} path
 * @returns {Hunk[]}
 */
function parseHunks(lines, firstAt, path) {
  /** @type {Hunk[]} */
  const hunks = [];
  /** @type {Hunk | null} */
  let current = null;
  const close = () => {
    if (!current) return;
    if (current.lines.length === 0)
      throw patchError(
        current.at,
        `a hunk of ${path} has no lines: follow "@@" with context, - and + lines.`,
      );
    hunks.push(current);
    current = null;
  };
  for (let j = 0; j < lines.length; j++) {
    const line = lines[j];
    const at = firstAt + j;
    if (line.startsWith("@@")) {
      const rest = line.slice(2).trim();
      const anchor = rest === "@@" || UNIFIED_HEADER.test(rest) ? "" : rest;
      // consecutive "@@" lines narrow down: all anchors of one hunk, in order
      if (current && current.lines.length === 0) {
        if (anchor) current.anchors.push(anchor);
        continue;
      }
      close();
      current = { anchors: anchor ? [anchor] : [], lines: [], eof: false, at };
      continue;
    }
    if (line.trim() === EOF_MARK) {
      if (!current || current.lines.length === 0)
        throw patchError(at, `"${EOF_MARK}" must follow the lines of a hunk.`);
      current.eof = true;
      close();
      continue;
    }
    if (line.startsWith("***"))
      throw patchError(at, `"${line.slice(0, 80)}" is not a line of a hunk. ${FORMAT_HINT}`);
    current ??= { anchors: [], lines: [], eof: false, at };
    const kind = line[0];
    if (line === "") current.lines.push({ kind: " ", text: "" });
    else if (kind === " " || kind === "-" || kind === "+")
      current.lines.push({ kind: /** @type {" " | "-" | "+"} */ (kind), text: line.slice(1) });
    else
      throw patchError(
        at,
        `a hunk line starts with " " (context), "-" (remove) or "+" (add); found "${line.slice(0, 80)}". A context line keeps its leading space.`,
      );
  }
  close();
  return hunks;
}

// --- applying ----------------------------------------------------------------------------------

/** How loosely lines may match, in the order tried: exact, trailing whitespace, surrounding whitespace. */
const LEVELS = [
  { name: "exact", norm: (/** @type {string} */ s) => s },
  { name: "trailing whitespace", norm: (/** @type {string} */ s) => s.trimEnd() },
  { name: "surrounding whitespace", norm: (/** @type {string} */ s) => s.trim() },
];

/**
 * Every position at or after `from` (and not past `to`) where `want` matches `have` line by line.
 * @param {string[]} have
 * @param {string[]} want
 * @param {number} from
 * @param {number} to last start position tried
 * @param {(s: string) => string} norm
 */
function findAll(have, want, from, to, norm) {
  const wanted = want.map(norm);
  const found = [];
  for (let start = from; start <= to; start++) {
    let ok = true;
    for (let k = 0; k < wanted.length; k++) {
      if (norm(have[start + k]) !== wanted[k]) {
        ok = false;
        break;
      }
    }
    if (ok) found.push(start);
  }
  return found;
}

/**
 * Where a run of lines matches, at the strictest level that finds it at all.
 * @param {string[]} have
 * @param {string[]} want
 * @param {number} from
 * @param {boolean} atEnd only a match ending at the last line counts
 */
export function locate(have, want, from, atEnd) {
  const lastStart = have.length - want.length;
  const start = atEnd ? Math.max(from, lastStart) : from;
  for (const level of LEVELS) {
    const found = lastStart < start ? [] : findAll(have, want, start, lastStart, level.norm);
    if (found.length > 0) return { found, level: level.name };
  }
  return { found: [], level: null };
}

/**
 * The stretch of the file most like `want` (most lines equal ignoring surrounding whitespace), shown
 * with line numbers so the model sees what is really there.
 * @param {string[]} have
 * @param {string[]} want
 */
export function closestLines(have, want) {
  if (have.length === 0) return "The file is empty.";
  const wanted = want.map((s) => s.trim());
  // shown, never matched: a line that differs only inside (a tab for a space) is worth seeing
  const squeezed = want.map((s) => s.replace(/\s+/g, ""));
  const size = Math.max(1, Math.min(want.length, have.length));
  let best = -1;
  let bestScore = 0;
  for (let start = 0; start + size <= have.length; start++) {
    let score = 0;
    for (let k = 0; k < size; k++) {
      const line = have[start + k];
      if (line.trim() === wanted[k]) score++;
      else if (squeezed[k] !== "" && line.replace(/\s+/g, "") === squeezed[k]) score += 0.75;
    }
    // a near miss usually shares single lines rather than whole runs; count those too
    if (score === 0 && wanted.includes(have[start].trim())) score = 0.5;
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
  }
  if (best < 0) best = longestSharedStart(have, wanted);
  if (best < 0) return "None of these lines occur in the file, even ignoring whitespace.";
  const shown = have.slice(best, best + Math.min(size + 1, 12));
  return `The closest lines in the file (${best + 1}–${best + shown.length}):\n${numbered(shown, best + 1)}`;
}

/**
 * The line that starts like one of `wanted` for longest (at least 4 characters, surrounding
 * whitespace aside): `function c() {` finds `function a() {`. -1 when none does.
 * @param {string[]} have
 * @param {string[]} wanted trimmed
 */
function longestSharedStart(have, wanted) {
  let best = -1;
  let bestLength = 3;
  have.forEach((line, index) => {
    const mine = line.trim();
    for (const want of wanted) {
      let n = 0;
      while (n < mine.length && n < want.length && mine[n] === want[n]) n++;
      if (n > bestLength) {
        bestLength = n;
        best = index;
      }
    }
  });
  return best;
}

/**
 * @param {string[]} lines
 * @param {number} firstNumber
 */
export function numbered(lines, firstNumber) {
  const width = String(firstNumber + lines.length - 1).length;
  return lines.map((line, k) => `${String(firstNumber + k).padStart(width)} | ${line}`).join("\n");
}

/** @param {string[]} lines */
function quoted(lines) {
  return lines.map((line) => `    ${line}`).join("\n");
}

/** @param {number[]} lines 0-based */
function lineList(lines) {
  const shown = lines.slice(0, 5).map((n) => String(n + 1));
  const more = lines.length > 5 ? ` and ${lines.length - 5} more` : "";
  if (shown.length === 2 && !more) return `${shown[0]} and ${shown[1]}`;
  return `${shown.join(", ")}${more}`;
}

/**
 * Applies the hunks of one Update File section to a file's lines, all or nothing. Returns the new
 * lines (with, for each, the ending to keep when it is a line of the file that stays) and notes
 * about loose matches.
 * @param {string} path
 * @param {string[]} have
 * @param {Hunk[]} hunks
 * @returns {{ lines: string[], kept: (number | null)[], notes: string[] }}
 */
export function applyHunks(path, have, hunks) {
  /** @type {{ start: number, removed: number, lines: string[], kept: (number | null)[] }[]} */
  const edits = [];
  const notes = [];
  let cursor = 0;
  hunks.forEach((hunk, index) => {
    const name = `${path}, hunk ${index + 1} (patch line ${hunk.at})`;
    let from = cursor;
    for (const anchor of hunk.anchors) {
      const { found, level } = locate(have, [anchor], from, false);
      if (found.length === 0)
        throw new EditError(
          `${name}: the @@ line "${anchor}" was not found${from > 0 ? ` after line ${from}` : ""}. ${closestLines(have, [anchor])}`,
        );
      if (level !== "exact") notes.push(`${name}: the @@ line matched only when ignoring ${level}.`);
      from = found[0] + 1;
    }
    const old = hunk.lines.filter((l) => l.kind !== "+").map((l) => l.text);
    let start;
    if (old.length === 0) {
      // nothing to match: the added lines go right after the anchor, or at the end of the file
      if (hunk.anchors.length > 0) start = from;
      else if (hunk.eof || have.length === 0) start = have.length;
      else
        throw new EditError(
          `${name}: it only adds lines and has nothing to place them by. Add the lines just before (or after) the insertion point as context lines, an @@ line to insert after, or "${EOF_MARK}" to append.`,
        );
    } else {
      const { found, level } = locate(have, old, from, hunk.eof);
      if (found.length === 0) {
        const earlier = from > 0 ? locate(have, old, 0, hunk.eof).found.filter((s) => s < from) : [];
        if (earlier.length > 0 && hunk.anchors.length > 0)
          throw new EditError(
            `${name}: its lines are at line ${earlier[0] + 1}, before the @@ line (line ${from}); an @@ line names a line above the change. No file was changed.`,
          );
        if (earlier.length > 0)
          throw new EditError(
            `${name}: its lines are at line ${earlier[0] + 1}, above the previous hunk's change (line ${cursor}). List hunks in the order they appear in the file. No file was changed.`,
          );
        const where = hunk.eof ? " at the end of the file" : from > 0 ? ` after line ${from}` : "";
        throw new EditError(
          `${name}: these lines were not found${where}:\n${quoted(old)}\n${closestLines(have, old)}\nRead the file again and copy the context and - lines exactly. No file was changed.`,
        );
      }
      // an @@ line says where: the first match after it is the one meant
      if (found.length > 1 && hunk.anchors.length === 0)
        throw new EditError(
          `${name}: ambiguous: these lines were found at lines ${lineList(found)}:\n${quoted(old)}\nAdd context lines (or an @@ line naming the enclosing function or block) so they match once. No file was changed.`,
        );
      if (level !== "exact")
        notes.push(
          `${name}: matched only when ignoring ${level}; the lines you added keep the indentation you wrote, check it.`,
        );
      start = found[0];
    }
    // lines of the file that stay keep their own text and ending; the patch's text is only matched against them
    const lines = [];
    /** @type {(number | null)[]} */
    const kept = [];
    let at = start;
    for (const line of hunk.lines) {
      if (line.kind === "+") {
        lines.push(line.text);
        kept.push(null);
      } else if (line.kind === " ") {
        lines.push(have[at]);
        kept.push(at);
        at++;
      } else at++;
    }
    edits.push({ start, removed: old.length, lines, kept });
    cursor = start + old.length;
  });
  const lines = [];
  /** @type {(number | null)[]} */
  const kept = [];
  let next = 0;
  for (const edit of edits) {
    for (; next < edit.start; next++) {
      lines.push(have[next]);
      kept.push(next);
    }
    lines.push(...edit.lines);
    kept.push(...edit.kept);
    next = edit.start + edit.removed;
  }
  for (; next < have.length; next++) {
    lines.push(have[next]);
    kept.push(next);
  }
  return { lines, kept, notes };
}
