// Lists files under a folder, sorted, with sizes: a compact map of a project for the model.
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

export const description =
  "List files under a folder (default: the project) as sorted project-relative paths with sizes in bytes. " +
  "Skips hidden entries and node_modules, .git, dist, build, .next, coverage… unless asked; filter with glob " +
  "(e.g. '*.ts' or 'src/**/*.tsx') or extensions; max_depth 1 lists only the folder's own files.";

export const schema = {
  type: "object",
  properties: {
    path: { type: "string", minLength: 1, maxLength: 4096, description: "Folder to list (default '.')." },
    max_depth: {
      type: "integer",
      minimum: 1,
      maximum: 20,
      description: "Folder levels to descend (default 4).",
    },
    glob: {
      type: "string",
      minLength: 1,
      maxLength: 300,
      description: "Keep files whose name (pattern without '/') or project-relative path (with '/') matches.",
    },
    extensions: {
      type: "array",
      items: { type: "string", pattern: "^\\.?[A-Za-z0-9_-]{1,16}$" },
      minItems: 1,
      maxItems: 20,
      description: "Keep files with these extensions, e.g. ['ts', 'tsx'].",
    },
    include_hidden: { type: "boolean", description: "Also list names starting with '.' (default false)." },
    include_excluded_dirs: {
      type: "boolean",
      description: "Also descend into node_modules, .git, dist, build, .next, coverage… (default false).",
    },
    max_entries: {
      type: "integer",
      minimum: 1,
      maximum: 2000,
      description: "Files to return (default 200).",
    },
  },
  additionalProperties: false,
};

export const capabilities = { filesystem: "project", network: false, subprocess: false };

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
const MAX_VISITED = 50000;
const MAX_DEEPER_SHOWN = 50;

export const examples = [
  {
    args: {},
    files: {
      "package.json": "{}\n",
      "src/index.ts": "export {};\n",
      "src/lib/util.ts": "export const x = 1;\n",
      ".env": "SECRET=1\n",
      "node_modules/dep/index.js": "module.exports = 1;\n",
    },
    expect: {
      ok: true,
      result: {
        files: [
          { path: "package.json", size: 3 },
          { path: "src/index.ts", size: 11 },
          { path: "src/lib/util.ts", size: 20 },
        ],
        total: 3,
        skipped_dirs: ["node_modules"],
      },
    },
  },
  {
    args: { path: "src", extensions: ["ts"], max_depth: 1 },
    files: { "src/a.ts": "a", "src/b.js": "b", "src/deep/c.ts": "c" },
    expect: { ok: true, result: { files: [{ path: "src/a.ts", size: 1 }], deeper_dirs: ["src/deep"] } },
  },
  {
    args: { glob: "*.md", include_hidden: true, max_entries: 2 },
    files: { "README.md": "#", "docs/a.md": "a", "docs/b.md": "b", ".github/c.md": "c" },
    expect: {
      ok: true,
      result: {
        files: [
          { path: ".github/c.md", size: 1 },
          { path: "README.md", size: 1 },
        ],
        total: 4,
        omitted: 2,
      },
    },
  },
  {
    args: { path: "scr" },
    files: { "src/a.ts": "" },
    expect: { ok: false, error: "scr does not exist", contains: "src" },
  },
];

function fail(error) {
  return { ok: false, error };
}

function toPosix(p) {
  return p.split(path.sep).join("/");
}

function shown(abs) {
  const rel = path.relative(process.cwd(), abs);
  if (rel === "") return ".";
  return rel.startsWith("..") || path.isAbsolute(rel) ? abs : toPosix(rel);
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

function buildFilter(args) {
  const tests = [];
  if (args.glob) {
    const pattern = args.glob.replace(/^\.\//, "");
    const regex = globToRegExp(pattern);
    tests.push(
      pattern.includes("/") ? (rel) => regex.test(rel) : (rel) => regex.test(path.posix.basename(rel)),
    );
  }
  if (args.extensions) {
    const wanted = new Set(args.extensions.map((ext) => ext.replace(/^\./, "").toLowerCase()));
    tests.push((rel) => wanted.has(path.posix.extname(rel).slice(1).toLowerCase()));
  }
  return (rel) => tests.every((test) => test(rel));
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

async function notFound(input, abs) {
  const parent = path.dirname(abs);
  const names = await readdir(parent).catch(() => []);
  const wanted = path.basename(abs).toLowerCase();
  const close = names
    .map((name) => ({ name, score: editDistance(wanted, name.toLowerCase()) }))
    .filter(({ score }) => score <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.score - b.score)
    .slice(0, 5)
    .map(({ name }) => shown(path.join(parent, name)));
  return `${input} does not exist.${close.length ? ` Did you mean: ${close.join(", ")}?` : ""}`;
}

export async function run(args) {
  const root = path.resolve(process.cwd(), args.path ?? ".");
  const maxDepth = args.max_depth ?? 4;
  const maxEntries = args.max_entries ?? 200;
  const info = await lstat(root).catch(() => null);
  if (!info) return fail(await notFound(args.path ?? ".", root));

  let keep;
  try {
    keep = buildFilter(args);
  } catch (error) {
    return fail(`Invalid glob: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!info.isDirectory()) {
    const rel = shown(root);
    return {
      ok: true,
      result: { files: keep(rel) ? [{ path: rel, size: info.size }] : [], total: keep(rel) ? 1 : 0 },
    };
  }

  const files = [];
  const skipped = new Set();
  const deeper = [];
  let visited = 0;
  let unreadable = 0;
  const walk = async (dir, depth) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
    if (!entries) {
      unreadable++;
      return;
    }
    for (const entry of entries) {
      if (++visited > MAX_VISITED) return;
      if (!args.include_hidden && entry.name.startsWith(".")) continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!args.include_excluded_dirs && EXCLUDED_DIRS.has(entry.name)) skipped.add(entry.name);
        else if (depth >= maxDepth) deeper.push(shown(abs));
        else await walk(abs, depth + 1);
        continue;
      }
      const rel = shown(abs);
      if (!keep(rel)) continue;
      const stats = entry.isSymbolicLink() ? null : await lstat(abs).catch(() => null);
      files.push(
        entry.isSymbolicLink() ? { path: rel, symlink: true } : { path: rel, size: stats?.size ?? 0 },
      );
    }
  };
  await walk(root, 1);

  files.sort((a, b) => (a.path === b.path ? 0 : a.path < b.path ? -1 : 1));
  const result = { files: files.slice(0, maxEntries), total: files.length };
  const notes = [];
  if (files.length > maxEntries) {
    result.omitted = files.length - maxEntries;
    notes.push(
      `${result.omitted} more files not shown; narrow with path, glob or extensions, or raise max_entries.`,
    );
  }
  if (deeper.length) {
    deeper.sort();
    result.deeper_dirs = deeper.slice(0, MAX_DEEPER_SHOWN);
    const more = deeper.length - MAX_DEEPER_SHOWN;
    notes.push(
      `Folders in deeper_dirs${more > 0 ? ` (and ${more} more)` : ""} are at max_depth ${maxDepth}; ` +
        "their contents were not listed.",
    );
  }
  if (skipped.size) result.skipped_dirs = [...skipped].sort();
  if (visited > MAX_VISITED) notes.push(`Stopped after ${MAX_VISITED} entries; list a smaller folder.`);
  if (unreadable) notes.push(`${unreadable} folder(s) could not be read.`);
  if (notes.length) result.note = notes.join(" ");
  return { ok: true, result };
}
