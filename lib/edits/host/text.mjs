// Text files as the edit host sees them: decoded strictly, split into lines that remember their own
// line ending, and compared as a unified diff. Pure: no file system, so each piece is testable alone.
// Plain JavaScript because it runs in the sandbox under bare Node (lib/edits/run.ts starts it).

/** @typedef {{ bom: boolean, lines: string[], eols: string[] }} Doc */
/** @typedef {{ diff: string, additions: number, deletions: number, omittedLines: number }} FileDiff */

export class EditError extends Error {}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of a file, or why it is not one an edit tool may change: a NUL byte or bytes that are
 * not UTF-8 mean binary, and a binary file rewritten as text would be destroyed.
 * @param {Uint8Array} bytes
 * @param {string} shown the path as the model wrote it, for the message
 * @returns {Doc}
 */
export function decodeDoc(bytes, shown) {
  if (bytes.includes(0))
    throw new EditError(
      `${shown} is a binary file (it contains NUL bytes); the edit tools change text files only`,
    );
  let text;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new EditError(
      `${shown} is not UTF-8 text (a binary file or another encoding); the edit tools change UTF-8 text files only`,
    );
  }
  const bom = text.startsWith("\uFEFF");
  return { bom, ...splitLines(bom ? text.slice(1) : text) };
}

/**
 * Lines and the ending each one had: "\n", "\r\n", or "" for a last line without a final newline.
 * A lone "\r" is part of its line (no system writes that today, and it must survive untouched).
 * @param {string} text
 * @returns {{ lines: string[], eols: string[] }}
 */
export function splitLines(text) {
  const lines = [];
  const eols = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) break;
    const crlf = nl > start && text.charCodeAt(nl - 1) === 13;
    lines.push(text.slice(start, crlf ? nl - 1 : nl));
    eols.push(crlf ? "\r\n" : "\n");
    start = nl + 1;
  }
  if (start < text.length) {
    lines.push(text.slice(start));
    eols.push("");
  }
  return { lines, eols };
}

/** @param {Doc} doc */
export function joinDoc(doc) {
  let out = doc.bom ? "\uFEFF" : "";
  for (let i = 0; i < doc.lines.length; i++) out += doc.lines[i] + doc.eols[i];
  return out;
}

/**
 * The ending most lines have, for lines the edit adds: a CRLF file stays CRLF. Ties and files
 * without any line ending get "\n".
 * @param {string[]} eols
 */
export function dominantEol(eols) {
  let crlf = 0;
  let lf = 0;
  for (const eol of eols) {
    if (eol === "\r\n") crlf++;
    else if (eol === "\n") lf++;
  }
  return crlf > lf ? "\r\n" : "\n";
}

/** @param {Doc} doc */
export function endsWithNewline(doc) {
  return doc.eols.length === 0 || doc.eols[doc.eols.length - 1] !== "";
}

/**
 * New lines inside an existing file: each gets the file's ending, and the last line ends the way
 * the file's last line did (with or without a final newline).
 * @param {Doc} original
 * @param {string[]} lines
 * @param {(string | null)[]} kept the ending to keep per line (a line the edit did not touch), else null
 * @returns {Doc}
 */
export function withEndings(original, lines, kept) {
  const eol = dominantEol(original.eols);
  const finalNewline = endsWithNewline(original);
  const eols = lines.map((_, i) => {
    const own = kept[i];
    return own ? own : eol;
  });
  if (eols.length > 0) eols[eols.length - 1] = finalNewline ? eols[eols.length - 1] || eol : "";
  return { bom: original.bom, lines, eols };
}

// --- unified diff ------------------------------------------------------------------------------

const CONTEXT = 3;
/** Past this many differences the middle of the file is shown as replaced whole (it is, nearly). */
const MAX_EDIT_DISTANCE = 2000;

/**
 * A line as compared: a last line without a final newline differs from the same text with one, so
 * adding or removing the final newline shows as a change (NUL cannot occur in a decoded doc).
 * @param {Doc | null} doc
 */
function keys(doc) {
  if (!doc) return [];
  return doc.lines.map((line, i) => (doc.eols[i] === "" ? `${line}\0` : line));
}

/**
 * The shortest edit script between `a` and `b` (Myers' O(ND) algorithm) as a list of operations,
 * or null when they differ in more than MAX_EDIT_DISTANCE lines.
 * @param {string[]} a
 * @param {string[]} b
 * @returns {("=" | "-" | "+")[] | null}
 */
function shortestEdit(a, b) {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  /** v as it was before round d, for k in [-d-1, d+1] */
  const trace = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return null;
  /** @type {("=" | "-" | "+")[]} */
  const ops = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const before = trace[d];
    const at = (/** @type {number} */ k) => before[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push("=");
      x--;
      y--;
    }
    if (x === prevX) {
      ops.push("+");
      y--;
    } else {
      ops.push("-");
      x--;
    }
  }
  while (x > 0 && y > 0) {
    ops.push("=");
    x--;
    y--;
  }
  return ops.reverse();
}

/**
 * Operations turning `a` into `b`: equal ends first (the common case is a small change in a large
 * file), Myers in between, and a whole replacement of the middle when that is too different.
 * @param {string[]} a
 * @param {string[]} b
 * @returns {("=" | "-" | "+")[]}
 */
export function lineOps(a, b) {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  /** @type {("=" | "-" | "+")[]} */
  const middle = shortestEdit(midA, midB) ?? [
    ...midA.map(() => /** @type {"-"} */ ("-")),
    ...midB.map(() => /** @type {"+"} */ ("+")),
  ];
  return [...Array(head).fill("="), ...middle, ...Array(tail).fill("=")];
}

/** @param {number} start 1-based first line  @param {number} count */
function range(start, count) {
  // an empty range names the line before it, as diff and git do
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * A unified diff of one file (3 lines of context, `\ No newline at end of file` where it applies),
 * cut after `maxLines` lines or `maxBytes` bytes; the counts are always complete.
 * @param {{ from: string | null, to: string | null, before: Doc | null, after: Doc | null, maxLines: number, maxBytes: number }} input
 * @returns {FileDiff}
 */
export function unifiedDiff({ from, to, before, after, maxLines, maxBytes }) {
  const a = keys(before);
  const b = keys(after);
  const ops = lineOps(a, b);
  const out = [
    `--- ${from === null ? "/dev/null" : `a/${from}`}`,
    `+++ ${to === null ? "/dev/null" : `b/${to}`}`,
  ];
  let additions = 0;
  let deletions = 0;
  for (const op of ops) {
    if (op === "+") additions++;
    else if (op === "-") deletions++;
  }
  /** @param {string} key */
  const shown = (key) => (key.endsWith("\0") ? [key.slice(0, -1), "\\ No newline at end of file"] : [key]);
  // positions (in `ops`) of the changes, grouped into hunks whose context would touch or overlap
  let i = 0;
  let ai = 0;
  let bi = 0;
  /** @type {{ ai: number, bi: number }[]} */
  const at = [];
  for (const op of ops) {
    at.push({ ai, bi });
    if (op !== "+") ai++;
    if (op !== "-") bi++;
  }
  while (i < ops.length) {
    if (ops[i] === "=") {
      i++;
      continue;
    }
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    // extend while the next change is within 2×CONTEXT equal lines
    for (;;) {
      while (end < ops.length && ops[end] !== "=") end++;
      let next = end;
      while (next < ops.length && ops[next] === "=") next++;
      if (next < ops.length && next - end <= 2 * CONTEXT) end = next;
      else {
        end = Math.min(ops.length, end + CONTEXT);
        break;
      }
    }
    const first = at[start];
    let countA = 0;
    let countB = 0;
    const body = [];
    for (let j = start; j < end; j++) {
      const op = ops[j];
      const pos = at[j];
      if (op === "=") {
        countA++;
        countB++;
        const [text, ...marker] = shown(a[pos.ai]);
        body.push(` ${text}`, ...marker);
      } else if (op === "-") {
        countA++;
        const [text, ...marker] = shown(a[pos.ai]);
        body.push(`-${text}`, ...marker);
      } else {
        countB++;
        const [text, ...marker] = shown(b[pos.bi]);
        body.push(`+${text}`, ...marker);
      }
    }
    out.push(`@@ -${range(first.ai + 1, countA)} +${range(first.bi + 1, countB)} @@`, ...body);
    i = end;
  }
  return { ...capLines(out, maxLines, maxBytes), additions, deletions };
}

/**
 * @param {string[]} lines
 * @param {number} maxLines
 * @param {number} maxBytes
 */
function capLines(lines, maxLines, maxBytes) {
  let bytes = 0;
  let kept = 0;
  while (kept < lines.length && kept < maxLines) {
    const size = Buffer.byteLength(lines[kept]) + 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    kept++;
  }
  return { diff: lines.slice(0, kept).join("\n"), omittedLines: lines.length - kept };
}
