// edit_file's exact replacement, in memory: the old text must occur exactly once (or replace_all),
// and when it does not occur, the message shows what the file holds instead.

import { closestLines, locate, numbered } from "./patch.mjs";
import { EditError } from "./text.mjs";

/** @param {string} text @param {string} needle */
function occurrences(text, needle) {
  const found = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length))
    found.push(at);
  return found;
}

/** @param {string} text @param {number} index */
function lineOf(text, index) {
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < index; at = text.indexOf("\n", at + 1)) line++;
  return line;
}

/** @param {number[]} lines */
function listLines(lines) {
  const shown = lines.slice(0, 6).map(String);
  if (lines.length > 6) return `${shown.join(", ")} and ${lines.length - 6} more`;
  if (shown.length <= 2) return shown.join(" and ");
  return `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/**
 * Why `old` is not in the file, and where something like it is.
 * @param {string} shown
 * @param {string} text
 * @param {string} old
 */
function notFound(shown, text, old) {
  const have = text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  const want = old
    .split("\n")
    .map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line))
    .filter((line, i, all) => !(line === "" && (i === 0 || i === all.length - 1) && all.length > 1));
  const { found, level } = locate(have, want, 0, false);
  if (found.length > 0 && level !== "exact") {
    const start = found[0];
    return new EditError(
      `old_string was not found in ${shown}; lines ${start + 1}–${start + want.length} match it only when ignoring ${level}:\n${numbered(have.slice(start, start + want.length), start + 1)}\nCopy old_string exactly from the file, whitespace included. Nothing was changed.`,
    );
  }
  return new EditError(
    `old_string was not found in ${shown}. ${closestLines(have, want)}\nRead the file again and copy old_string exactly. Nothing was changed.`,
  );
}

/**
 * Replaces `oldString` by `newString` in a file's text. In a CRLF file, line breaks written as
 * "\n" are read as the file's "\r\n", in what is replaced and in what replaces it.
 * @param {{ shown: string, text: string, oldString: string, newString: string, replaceAll: boolean, eol: string }} input
 * @returns {{ text: string, count: number }}
 */
export function replaceText({ shown, text, oldString, newString, replaceAll, eol }) {
  let old = oldString;
  let replacement = newString;
  if (eol === "\r\n" && !old.includes("\r\n")) {
    old = old.replaceAll("\n", "\r\n");
    replacement = replacement.replace(/\r?\n/g, "\r\n");
  }
  if (old === replacement)
    throw new EditError("old_string and new_string are the same: there is nothing to change.");
  const found = occurrences(text, old);
  if (found.length === 0) throw notFound(shown, text, old);
  if (found.length > 1 && !replaceAll)
    throw new EditError(
      `old_string occurs ${found.length} times in ${shown} (at lines ${listLines(found.map((at) => lineOf(text, at)))}). Add surrounding lines to old_string so it matches once, or set replace_all to true to change every one. Nothing was changed.`,
    );
  let out = "";
  let from = 0;
  for (const at of found) {
    out += text.slice(from, at) + replacement;
    from = at + old.length;
  }
  return { text: out + text.slice(from), count: found.length };
}
