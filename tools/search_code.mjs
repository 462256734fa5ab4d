// Searches file contents with ripgrep when it is on PATH, else with a plain Node walk.
// Both engines return the same shape, in path order, with the same folders and files skipped.
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

export const description =
  "Search file contents for a regular expression (or a fixed string) and get file, line and text per match. " +
  "Skips node_modules, .git, dist, build, .next, coverage, binary files and files over 1 MiB; with ripgrep " +
  "installed it also honours .gitignore. Narrow with path (folder or file) and glob (e.g. '*.ts' or 'src/**/*.tsx').";

export const schema = {
  type: "object",
  properties: {
    pattern: {
      type: "string",
      minLength: 1,
      maxLength: 1000,
      description: "Regular expression (JavaScript syntax), or literal text with fixed_string.",
    },
    path: {
      type: "string",
      minLength: 1,
      maxLength: 4096,
      description: "Folder or file to search (default '.').",
    },
    glob: {
      type: "string",
      minLength: 1,
      maxLength: 300,
      description: "Only files whose name (pattern without '/') or project-relative path (with '/') matches.",
    },
    case_insensitive: { type: "boolean", description: "Ignore case (default false)." },
    fixed_string: {
      type: "boolean",
      description: "Treat pattern as literal text, not a regex (default false).",
    },
    max_results: {
      type: "integer",
      minimum: 1,
      maximum: 500,
      description: "Matches to return (default 50).",
    },
    context_lines: {
      type: "integer",
      minimum: 0,
      maximum: 10,
      description: "Lines before and after each match (0).",
    },
  },
  required: ["pattern"],
  additionalProperties: false,
};

export const capabilities = { filesystem: "project", network: false, subprocess: true, env: ["PATH"] };

const EXCLUDED_DIRS = [
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
];
const MAX_FILE_BYTES = 1024 * 1024;
const SNIFF_BYTES = 8000;
const MAX_LINE_CHARS = 300;
const COUNT_BEYOND = 1000; // after max_results, count this many more, then stop
const TIME_LIMIT_MS = 20000;

export const examples = [
  {
    args: { pattern: "TODO" },
    files: {
      "src/a.ts": "const x = 1; // TODO: rename\nexport { x };\n",
      "src/b.ts": "// nothing here\n// TODO later\n",
      "node_modules/lib/index.js": "// TODO vendored\n",
    },
    expect: {
      ok: true,
      result: {
        matches: [
          { file: "src/a.ts", line: 1, text: "const x = 1; // TODO: rename" },
          { file: "src/b.ts", line: 2, text: "// TODO later" },
        ],
        truncated: false,
      },
    },
  },
  {
    args: { pattern: "fn(", fixed_string: true, glob: "*.js", context_lines: 1 },
    files: { "a.js": "start\ncall fn(1)\nend\n", "a.md": "fn( in docs\n" },
    expect: {
      ok: true,
      result: { matches: [{ file: "a.js", line: 2, text: "call fn(1)", before: ["start"], after: ["end"] }] },
    },
  },
  {
    args: { pattern: "error", case_insensitive: true, max_results: 2 },
    files: { "log.txt": "Error one\nERROR two\nerror three\nfine\nerror four\n" },
    expect: { ok: true, result: { truncated: true, omitted: 2 }, contains: ["2 more matches not shown"] },
  },
  {
    args: { pattern: "needle", path: "lib" },
    files: { "src/needle.txt": "needle\n" },
    expect: { ok: false, error: "lib does not exist" },
  },
  {
    args: { pattern: "nothing-matches-this" },
    files: { "a.txt": "hello\n" },
    expect: { ok: true, result: { matches: [], truncated: false } },
  },
];

function fail(error) {
  return { ok: false, error };
}

function message(error) {
  return error instanceof Error ? error.message : String(error);
}

function toPosix(p) {
  return p.split(path.sep).join("/");
}

/** Project-relative when inside the project, else absolute. */
function shown(abs) {
  const rel = path.relative(process.cwd(), abs);
  if (rel === "") return ".";
  return rel.startsWith("..") || path.isAbsolute(rel) ? abs : toPosix(rel);
}

function byName(a, b) {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
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
        source += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else source += c.replace(/[.+^$|()\\\]]/g, "\\$&");
  }
  if (braces > 0) throw new Error(`unclosed "{" in glob ${glob}`);
  return new RegExp(`^${source}$`);
}

/** A glob without "/" matches the file name; with "/", the project-relative path. */
function fileFilter(glob) {
  if (!glob) return () => true;
  const pattern = glob.replace(/^\.\//, "");
  const regex = globToRegExp(pattern);
  return pattern.includes("/")
    ? (rel) => regex.test(rel)
    : (rel) => regex.test(rel.slice(rel.lastIndexOf("/") + 1));
}

function clipLine(line, column = 0) {
  if (line.length <= MAX_LINE_CHARS) return line;
  const start = Math.max(0, Math.min(column - 100, line.length - MAX_LINE_CHARS));
  return `${start > 0 ? "…" : ""}${line.slice(start, start + MAX_LINE_CHARS)}…`;
}

/**
 * Collects matches file by file. `lines` maps line numbers to text for every reported line of the
 * file (matches and context), so each match's before/after comes from its neighbours in the map.
 */
function createCollector(maxResults, contextLines) {
  const matches = [];
  let omitted = 0;
  return {
    matches,
    get omitted() {
      return omitted;
    },
    full: () => omitted >= COUNT_BEYOND,
    addFile(file, hits, lines) {
      for (const { line, column } of hits) {
        if (matches.length >= maxResults) {
          omitted++;
          continue;
        }
        const match = { file, line, text: clipLine(lines.get(line) ?? "", column) };
        if (contextLines > 0) {
          const before = [];
          for (let n = line - 1; n >= line - contextLines && lines.has(n); n--)
            before.unshift(clipLine(lines.get(n)));
          const after = [];
          for (let n = line + 1; n <= line + contextLines && lines.has(n); n++)
            after.push(clipLine(lines.get(n)));
          match.before = before;
          match.after = after;
        }
        matches.push(match);
      }
    },
  };
}

async function findOnPath(binary) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

/** rg's "arbitrary data" objects: {text} when valid UTF-8, else {bytes} in base64. */
function decodeData(data) {
  if (!data) return "";
  if (typeof data.text === "string") return data.text;
  return typeof data.bytes === "string" ? Buffer.from(data.bytes, "base64").toString("utf8") : "";
}

function stripNewline(text) {
  return text.replace(/\r?\n$/, "");
}

function searchWithRipgrep(rg, root, options, collector) {
  const args = ["--json", "--no-config", "--hidden", "--sort=path", "--max-filesize=1M", "--no-messages"];
  const rootParts = new Set(toPosix(path.relative(process.cwd(), root)).split("/"));
  // skip excluded folders below the search root, but still search inside one when asked to
  for (const dir of EXCLUDED_DIRS) if (!rootParts.has(dir)) args.push(`--glob=!${dir}`);
  args.push(options.case_insensitive ? "--ignore-case" : "--case-sensitive");
  if (options.fixed_string) args.push("--fixed-strings");
  if (options.context_lines) args.push(`--context=${options.context_lines}`);
  if (options.glob && !options.glob.includes("/")) args.push(`--glob=${options.glob}`);
  args.push(`--regexp=${options.pattern}`, "--", root);
  const keep = fileFilter(options.glob);

  return new Promise((resolve) => {
    const child = spawn(rg, args, { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
    let pending = "";
    let stderr = "";
    let stopped = null;
    let file = null;
    const timer = setTimeout(() => stop("timeout"), TIME_LIMIT_MS);
    const stop = (why) => {
      stopped ??= why;
      child.kill("SIGKILL");
    };

    const handle = (line) => {
      if (!line.trim() || stopped) return;
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      const data = event.data ?? {};
      if (event.type === "begin") {
        const name = shown(path.resolve(process.cwd(), decodeData(data.path)));
        file = { name, keep: keep(name), hits: [], lines: new Map() };
      } else if ((event.type === "match" || event.type === "context") && file?.keep) {
        const text = stripNewline(decodeData(data.lines));
        file.lines.set(data.line_number, text);
        if (event.type === "match") {
          const startByte = data.submatches?.[0]?.start ?? 0;
          const column = Buffer.from(decodeData(data.lines)).subarray(0, startByte).toString("utf8").length;
          file.hits.push({ line: data.line_number, column });
        }
      } else if (event.type === "end" && file) {
        // binary_offset is set when rg saw a NUL byte; skip such files, as the Node engine does
        const binary = data.binary_offset !== null && data.binary_offset !== undefined;
        if (file.keep && !binary) collector.addFile(file.name, file.hits, file.lines);
        file = null;
        if (collector.full()) stop("enough");
      }
    };

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) handle(line);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ spawnError: message(error) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      handle(pending);
      resolve({ code, stderr: stderr.trim(), stopped });
    });
  });
}

function buildRegExp(options) {
  const source = options.fixed_string
    ? options.pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    : options.pattern;
  return new RegExp(source, options.case_insensitive ? "i" : "");
}

async function isBinary(abs) {
  const handle = await open(abs, "r");
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

async function searchWithNode(root, rootIsFile, options, collector) {
  const regex = buildRegExp(options);
  const keep = fileFilter(options.glob);
  const deadline = Date.now() + TIME_LIMIT_MS;
  const excluded = new Set(EXCLUDED_DIRS);
  let stopped = null;

  const searchFile = async (abs, explicit) => {
    const name = shown(abs);
    if (!explicit && !keep(name)) return;
    const info = await stat(abs).catch(() => null);
    if (!info || info.size > MAX_FILE_BYTES || (await isBinary(abs).catch(() => true))) return;
    const text = await readFile(abs, "utf8").catch(() => null);
    if (text === null) return;
    const all = text.split(/\r?\n/);
    const hits = [];
    const lines = new Map();
    for (const [index, line] of all.entries()) {
      const found = regex.exec(line);
      if (!found) continue;
      hits.push({ line: index + 1, column: found.index });
      const from = Math.max(0, index - options.context_lines);
      const to = Math.min(all.length - 1, index + options.context_lines);
      for (let n = from; n <= to; n++) lines.set(n + 1, all[n]);
    }
    // a final newline is not an extra empty line
    if (all.at(-1) === "") lines.delete(all.length);
    if (hits.length) collector.addFile(name, hits, lines);
  };

  const walk = async (dir) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort(byName);
    for (const entry of entries) {
      if (stopped) return;
      if (collector.full()) stopped = "enough";
      else if (Date.now() > deadline) stopped = "timeout";
      else if (entry.isDirectory() && !excluded.has(entry.name)) await walk(path.join(dir, entry.name));
      else if (entry.isFile()) await searchFile(path.join(dir, entry.name), false);
    }
  };

  if (rootIsFile) await searchFile(root, true);
  else await walk(root);
  return { stopped };
}

export async function run(args) {
  const options = { ...args, context_lines: args.context_lines ?? 0 };
  const maxResults = args.max_results ?? 50;
  const root = path.resolve(process.cwd(), args.path ?? ".");
  const rootInfo = await stat(root).catch(() => null);
  if (!rootInfo) return fail(`${args.path} does not exist (paths are relative to ${process.cwd()}).`);
  try {
    fileFilter(args.glob);
  } catch (error) {
    return fail(`Invalid glob: ${message(error)}`);
  }
  if (!args.fixed_string) {
    try {
      buildRegExp(options);
    } catch (error) {
      const reason = message(error).replace(/^Invalid regular expression: /, "");
      return fail(`Invalid regular expression: ${reason}. Pass fixed_string: true to search literally.`);
    }
  }

  const collector = createCollector(maxResults, options.context_lines);
  let engine = "node";
  let stopped = null;
  const warnings = [];
  try {
    const rg = await findOnPath("rg");
    const viaRg = rg ? await searchWithRipgrep(rg, root, options, collector) : null;
    if (viaRg && !viaRg.spawnError) {
      engine = "ripgrep";
      stopped = viaRg.stopped;
      if (viaRg.code === 2 && !viaRg.stopped && collector.matches.length > 0) {
        warnings.push(viaRg.stderr.split("\n").slice(0, 3).join("\n"));
      }
      // rg speaks Rust regex (no look-around, no backreferences); JavaScript accepted the pattern above
      if (viaRg.code === 2 && !viaRg.stopped && collector.matches.length === 0) {
        if (!/regex parse error|error parsing regex/i.test(viaRg.stderr)) {
          return fail(`ripgrep could not search: ${viaRg.stderr.replace(/\.?\s*$/, "") || "exit code 2"}.`);
        }
        engine = "node";
        warnings.push(
          "ripgrep rejected the pattern (Rust regex syntax); searched with the Node engine instead.",
        );
        ({ stopped } = await searchWithNode(root, rootInfo.isFile(), options, collector));
      }
    } else {
      ({ stopped } = await searchWithNode(root, rootInfo.isFile(), options, collector));
    }
  } catch (error) {
    return fail(`Search failed: ${message(error)}`);
  }

  const result = {
    matches: collector.matches,
    truncated: collector.omitted > 0 || stopped === "timeout",
    engine,
  };
  const notes = [];
  if (collector.omitted > 0) {
    result.omitted = collector.omitted;
    const count = stopped === "enough" ? `At least ${collector.omitted}` : String(collector.omitted);
    notes.push(`${count} more matches not shown; narrow with path or glob, or raise max_results.`);
  }
  if (stopped === "timeout")
    notes.push(`Search stopped after ${TIME_LIMIT_MS / 1000} s; narrow with path or glob.`);
  if (collector.matches.length === 0 && !args.case_insensitive)
    notes.push("No matches; case_insensitive may help.");
  if (notes.length) result.note = notes.join(" ");
  if (warnings.length) result.warnings = warnings;
  return { ok: true, result };
}
