// Reads text files for the model: checks existence (suggesting near names), refuses binaries,
// numbers lines for a range, reads several files by glob, and caps what it returns.
import { open, readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

export const description =
  "Read a text file (path relative to the project; ~ is your home). Give start_line/end_line for numbered " +
  "lines of a long file, or glob (e.g. 'src/**/*.ts'; a pattern without '/' matches file names at any depth) " +
  "to read several files at once. Refuses binary files; long output is cut with a note saying how to continue.";

export const schema = {
  type: "object",
  properties: {
    path: { type: "string", minLength: 1, maxLength: 4096, description: "File to read." },
    glob: {
      type: "string",
      minLength: 1,
      maxLength: 300,
      description: "Read every matching file instead of one path (skips node_modules, .git, dist, build…).",
    },
    start_line: { type: "integer", minimum: 1, maximum: 10000000, description: "First line, 1-based." },
    end_line: { type: "integer", minimum: 1, maximum: 10000000, description: "Last line, inclusive." },
    max_files: {
      type: "integer",
      minimum: 1,
      maximum: 100,
      description: "Glob mode: at most this many files (20).",
    },
    max_chars: {
      type: "integer",
      minimum: 1000,
      maximum: 200000,
      description: "Cap on returned text across all files (50000).",
    },
  },
  additionalProperties: false,
};

export const capabilities = { filesystem: "project", network: false, subprocess: false, env: ["HOME"] };

const EXCLUDED_DIRS = new Set([
  "node_modules",
  ".git",
  ".hg",
  ".svn",
  "dist",
  "build",
  ".next",
  ".nuxt",
  ".turbo",
  ".cache",
  "coverage",
  "__pycache__",
  ".venv",
]);
const LOAD_LIMIT = 8 * 1024 * 1024; // larger files are read in part
const MAX_WALK_ENTRIES = 20000;
const MIN_FILE_BUDGET = 200; // glob mode: below this, list the rest as omitted instead of a sliver of each

export const examples = [
  {
    args: { path: "notes/todo.md" },
    files: { "notes/todo.md": "# Todo\n- ship it\n" },
    expect: { ok: true, result: { path: "notes/todo.md", total_lines: 2, content: "# Todo\n- ship it\n" } },
  },
  {
    args: { path: "src/app.ts", start_line: 2, end_line: 3 },
    files: { "src/app.ts": "import x from 'x';\nconst a = 1;\nconst b = 2;\nexport { a, b };\n" },
    expect: {
      ok: true,
      result: {
        path: "src/app.ts",
        start_line: 2,
        end_line: 3,
        total_lines: 4,
        content: "2: const a = 1;\n3: const b = 2;",
      },
    },
  },
  {
    args: { path: "src/utlis.ts" },
    files: { "src/utils.ts": "export {};\n", "src/index.ts": "" },
    expect: { ok: false, error: "src/utlis.ts does not exist", contains: "src/utils.ts" },
  },
  {
    args: { glob: "docs/*.md" },
    files: {
      "docs/a.md": "alpha\n",
      "docs/b.md": "beta\n",
      "docs/c.txt": "gamma\n",
      "node_modules/x/y.md": "no\n",
    },
    expect: {
      ok: true,
      result: {
        files: [
          { path: "docs/a.md", content: "alpha\n" },
          { path: "docs/b.md", content: "beta\n" },
        ],
        matched: 2,
      },
    },
  },
  {
    args: { path: "logo.png" },
    files: { "logo.png": "\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR" },
    expect: { ok: false, error: "binary" },
  },
  {
    args: { path: "short.txt", start_line: 9 },
    files: { "short.txt": "one\ntwo\n" },
    expect: { ok: false, error: "start_line 9 is past the end of short.txt (2 lines)" },
  },
];

function fail(error) {
  return { ok: false, error };
}

function resolvePath(input) {
  if (input === "~") return homedir();
  if (input.startsWith("~/")) return path.join(homedir(), input.slice(2));
  return path.resolve(process.cwd(), input);
}

/** Relative to the project when inside it, else absolute: the form the model should pass back. */
function shown(abs) {
  const rel = path.relative(process.cwd(), abs);
  if (rel === "") return ".";
  return rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel.split(path.sep).join("/");
}

function splitLines(text) {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

function closeNames(wanted, names) {
  const target = wanted.toLowerCase();
  const stem = target.replace(/\.[^.]*$/, "");
  return names
    .map((name) => {
      const lower = name.toLowerCase();
      const sameStem = lower.replace(/\.[^.]*$/, "") === stem;
      return { name, score: sameStem ? 0 : editDistance(target, lower) };
    })
    .filter(({ name, score }) => score <= Math.max(2, Math.floor(wanted.length / 3)) || name.includes(wanted))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, 5)
    .map(({ name }) => name);
}

/** "x does not exist" plus the nearest names at the first missing level of the path. */
async function notFound(input, abs) {
  let missing = abs;
  let parent = path.dirname(abs);
  while (parent !== missing) {
    const info = await stat(parent).catch(() => null);
    if (info?.isDirectory()) break;
    missing = parent;
    parent = path.dirname(parent);
  }
  const names = await readdir(parent).catch(() => []);
  const close = closeNames(path.basename(missing), names).map((name) => shown(path.join(parent, name)));
  const where = missing === abs ? "" : ` (folder ${shown(missing)} does not exist)`;
  const hint = close.length
    ? ` Did you mean: ${close.join(", ")}?`
    : ` ${shown(parent)} has ${names.length} entries.`;
  return `${input} does not exist${where}.${hint}`;
}

function globToRegExp(glob) {
  let source = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") {
        i++;
        source += "(?:[^/]*/)*";
      } else source += ".*";
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "{") {
      braces++;
      source += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (c === "," && braces > 0) source += "|";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^$|()\\\]]/g, "\\$&");
  }
  if (braces > 0) throw new Error(`unclosed "{" in glob ${glob}`);
  return new RegExp(`^${source}$`);
}

/** Files under the glob's literal prefix whose relative path (or name, for a pattern without "/") matches. */
async function globFiles(glob) {
  const expanded = glob.startsWith("~/") ? path.join(homedir(), glob.slice(2)) : glob;
  const pattern = expanded.replace(/^\.\//, "");
  const segments = pattern.split("/");
  const literal = [];
  while (segments.length > 1 && !/[*?[{]/.test(segments[0])) literal.push(segments.shift());
  const byName = !pattern.includes("/");
  const absolute = path.isAbsolute(pattern);
  const regex = globToRegExp(pattern);
  const root = absolute ? literal.join("/") || "/" : path.resolve(process.cwd(), literal.join("/") || ".");
  const found = [];
  let visited = 0;
  const walk = async (dir) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++visited > MAX_WALK_ENTRIES) return;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!EXCLUDED_DIRS.has(entry.name)) await walk(abs);
      } else if (entry.isFile()) {
        const target = byName ? entry.name : absolute ? abs : path.relative(process.cwd(), abs);
        if (regex.test(target.split(path.sep).join("/"))) found.push(abs);
      }
    }
  };
  await walk(root);
  return { found, walkCapped: visited > MAX_WALK_ENTRIES };
}

async function readHead(abs, bytes) {
  const handle = await open(abs, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Keeps whole lines within `budget` characters; says where the cut fell. */
function capLines(lines, firstNumber, budget, numbered) {
  const out = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const text = numbered ? `${firstNumber + index}: ${line}` : line;
    if (used + text.length + 1 > budget && out.length > 0) {
      return { text: out.join("\n"), shownThrough: firstNumber + index - 1, used };
    }
    out.push(text.length > budget ? `${text.slice(0, budget)}…` : text);
    used += text.length + 1;
  }
  return { text: out.join("\n"), shownThrough: null, used };
}

/** One file: { entry } on success, { error } for an expected failure. */
async function readOne(abs, input, range, budget) {
  const info = await stat(abs).catch(() => null);
  if (!info) return { error: await notFound(input, abs) };
  if (info.isDirectory()) return { error: `${input} is a folder; use list_files to see what it holds.` };
  if (!info.isFile()) return { error: `${input} is not a regular file.` };
  const name = shown(abs);
  const partial = info.size > LOAD_LIMIT;
  const data = partial ? await readHead(abs, Math.min(info.size, LOAD_LIMIT)) : await readFile(abs);
  if (data.includes(0)) {
    return { error: `${input} looks binary (it contains NUL bytes); safe_read only returns text.` };
  }
  const text = data.toString("utf8");
  const lines = splitLines(partial ? text.slice(0, text.lastIndexOf("\n") + 1) : text);
  const total = partial ? undefined : lines.length;
  const sizeNote = partial ? `File is ${info.size} bytes; only the first ${LOAD_LIMIT} were read. ` : "";

  if (!range) {
    if (text.length <= budget && !partial)
      return { entry: { path: name, total_lines: total, content: text }, used: text.length };
    const cut = capLines(lines, 1, budget, false);
    if (cut.shownThrough === null && !partial) {
      return { entry: { path: name, total_lines: total, content: text }, used: text.length };
    }
    const through = cut.shownThrough ?? lines.length;
    return {
      entry: {
        path: name,
        total_lines: total,
        content: cut.text,
        truncated: true,
        note: `${sizeNote}Showing lines 1-${through}; pass start_line: ${through + 1} to continue.`,
      },
      used: cut.used,
    };
  }

  const start = range.start ?? 1;
  if (range.end !== undefined && range.end < start) {
    return { error: `end_line ${range.end} is before start_line ${start}.` };
  }
  if (start > lines.length && partial) {
    return {
      error:
        `start_line ${start} is beyond the first ${LOAD_LIMIT} bytes (${lines.length} lines) of ${name}, ` +
        `which is all safe_read loads of a ${info.size}-byte file; use search_code to find what you need.`,
    };
  }
  if (start > lines.length) {
    return { error: `start_line ${start} is past the end of ${name} (${lines.length} lines).` };
  }
  const end = Math.min(range.end ?? lines.length, lines.length);
  const cut = capLines(lines.slice(start - 1, end), start, budget, true);
  const entry = {
    path: name,
    start_line: start,
    end_line: cut.shownThrough ?? end,
    total_lines: total,
    content: cut.text,
  };
  if (cut.shownThrough !== null) {
    entry.truncated = true;
    entry.note = `${sizeNote}Output cap reached; pass start_line: ${cut.shownThrough + 1} to continue.`;
  } else if (partial && range.end !== undefined && range.end > end) {
    entry.note = `${sizeNote}Lines after ${end} were not read.`;
  }
  return { entry, used: cut.used };
}

export async function run(args) {
  const maxChars = args.max_chars ?? 50000;
  const range =
    args.start_line !== undefined || args.end_line !== undefined
      ? { start: args.start_line, end: args.end_line }
      : null;
  if (args.path !== undefined && args.glob !== undefined) return fail("Give either path or glob, not both.");
  if (args.path === undefined && args.glob === undefined)
    return fail("Give path (one file) or glob (several files).");

  try {
    if (args.path !== undefined) {
      const outcome = await readOne(resolvePath(args.path), args.path, range, maxChars);
      return outcome.error ? fail(outcome.error) : { ok: true, result: outcome.entry };
    }

    try {
      globToRegExp(args.glob);
    } catch (error) {
      return fail(`Invalid glob: ${error instanceof Error ? error.message : String(error)}`);
    }
    const listing = await globFiles(args.glob);
    if (listing.found.length === 0) {
      return fail(
        `No files match ${args.glob} (node_modules, .git, dist, build and similar folders are skipped).`,
      );
    }
    const maxFiles = args.max_files ?? 20;
    const files = [];
    const skipped = [];
    let budget = maxChars;
    let index = 0;
    for (; index < listing.found.length && files.length < maxFiles && budget >= MIN_FILE_BUDGET; index++) {
      const abs = listing.found[index];
      const outcome = await readOne(abs, shown(abs), range, budget);
      if (outcome.error) skipped.push({ path: shown(abs), reason: outcome.error });
      else {
        files.push(outcome.entry);
        budget -= outcome.used;
      }
    }
    const result = { files, matched: listing.found.length };
    if (skipped.length) result.skipped = skipped;
    const omitted = listing.found.length - index;
    if (omitted > 0) {
      result.omitted = omitted;
      result.note = `${omitted} more matching files not read (cap: ${maxFiles} files, ${maxChars} characters); narrow the glob.`;
    }
    if (listing.walkCapped)
      result.note = `${result.note ?? ""} Stopped searching after ${MAX_WALK_ENTRIES} entries.`.trim();
    return { ok: true, result };
  } catch (error) {
    const code = error && typeof error === "object" && "code" in error ? error.code : undefined;
    if (code === "EACCES" || code === "EPERM")
      return fail(`Permission denied: ${error.path ?? args.path ?? args.glob}.`);
    return fail(`Could not read: ${error instanceof Error ? error.message : String(error)}`);
  }
}
