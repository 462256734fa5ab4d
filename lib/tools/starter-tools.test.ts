import { execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { exampleSchema, matchExpectation } from "./expect";

/**
 * The starter tools in tools/, tested the way the host runs them: each call in a child `node`
 * whose cwd is a fresh folder seeded with the example's files (vitest workers may not chdir).
 */

const TOOLS_DIR = path.resolve(import.meta.dirname, "../../tools");
const STARTER_TOOLS = ["safe_read", "search_code", "list_files", "test_dev_server"] as const;
type ToolName = (typeof STARTER_TOOLS)[number];

const toolModuleSchema = z.object({
  description: z.string().min(40).max(600),
  schema: z.looseObject({
    type: z.literal("object"),
    properties: z.record(z.string(), z.record(z.string(), z.unknown())),
    required: z.array(z.string()).optional(),
    additionalProperties: z.literal(false),
  }),
  requires: z.array(z.string().min(1)).optional(),
  capabilities: z.strictObject({
    filesystem: z.enum(["project", "none"]),
    network: z.union([z.boolean(), z.array(z.string().min(1))]),
    subprocess: z.boolean(),
    env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
  }),
  examples: z.array(exampleSchema).min(3).max(6),
  run: z.custom<(args: Record<string, unknown>) => Promise<unknown>>((value) => typeof value === "function"),
});
type ToolModule = z.infer<typeof toolModuleSchema>;

const toolUrl = (name: ToolName) => pathToFileURL(path.join(TOOLS_DIR, `${name}.mjs`)).href;
const modules = new Map<ToolName, unknown>();
for (const name of STARTER_TOOLS) modules.set(name, await import(toolUrl(name)));

async function onPath(binary: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    try {
      await access(path.join(dir, binary), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}
const hasRipgrep = await onPath("rg");

const RESULT_MARK = "@@tool-result@@";
const RUNNER = [
  "const tool = await import(process.argv[1]);",
  "const returned = await tool.run(JSON.parse(process.argv[2]));",
  `process.stdout.write("\\n${RESULT_MARK}" + JSON.stringify(returned));`,
].join("\n");
const runnerArgs = (name: ToolName, args: unknown) => [
  "--input-type=module",
  "-e",
  RUNNER,
  toolUrl(name),
  JSON.stringify(args),
];

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function seededFolder(files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ratchet-tool-"));
  folders.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return dir;
}

interface ChildOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the tool in a child node with `cwd`, as the host does, and returns what run() returned. */
async function runTool(name: ToolName, args: unknown, options: ChildOptions): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, runnerArgs(name, args), {
    cwd: options.cwd,
    env: options.env ?? process.env,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const at = stdout.lastIndexOf(RESULT_MARK);
  if (at === -1) throw new Error(`no result printed; stdout: ${stdout.slice(-500)}`);
  return JSON.parse(stdout.slice(at + RESULT_MARK.length));
}

const okResult = z.object({ ok: z.literal(true), result: z.record(z.string(), z.unknown()) });
const errorResult = z.object({ ok: z.literal(false), error: z.string() });

async function resultOf(name: ToolName, args: unknown, options: ChildOptions) {
  return okResult.parse(await runTool(name, args, options)).result;
}
async function errorOf(name: ToolName, args: unknown, options: ChildOptions) {
  return errorResult.parse(await runTool(name, args, options)).error;
}

function loadTool(name: ToolName): ToolModule {
  return toolModuleSchema.parse(modules.get(name));
}

/** A PATH without ripgrep (node itself is run by absolute path), to force search_code's fallback. */
async function pathWithoutRipgrep(): Promise<string> {
  return seededFolder();
}

const strictAjv = new Ajv({ allErrors: true, strict: true });

describe.each(STARTER_TOOLS)("%s", (name) => {
  it("exports the module contract with a strict, bounded schema", () => {
    const tool = loadTool(name);
    const validate = strictAjv.compile(tool.schema);
    for (const [key, property] of Object.entries(tool.schema.properties)) {
      expect(typeof property.description, `${key} has a description`).toBe("string");
      if (property.type === "string") expect(property.maxLength, `${key} maxLength`).toBeTypeOf("number");
      if (property.type === "integer") {
        expect(property.minimum, `${key} minimum`).toBeTypeOf("number");
        expect(property.maximum, `${key} maximum`).toBeTypeOf("number");
      }
      if (property.type === "array") expect(property.maxItems, `${key} maxItems`).toBeTypeOf("number");
    }
    for (const [index, example] of tool.examples.entries()) {
      expect(validate(example.args), `example ${index}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const outcomes = tool.examples.map((example) => example.expect.ok ?? example.expect.error === undefined);
    expect(outcomes, "examples cover success and failure").toContain(true);
    if (name !== "list_files" && name !== "test_dev_server") expect(outcomes).toContain(false);
  });

  for (const [index, example] of loadTool(name).examples.entries()) {
    it(`example ${index} passes`, { timeout: 60_000 }, async () => {
      const cwd = await seededFolder(example.files);
      const returned = await runTool(name, example.args, { cwd });
      expect(matchExpectation(example.expect, returned)).toEqual({ pass: true });
    });
  }
});

describe("examples cover failures", () => {
  it("every tool has at least one failing example", () => {
    for (const name of STARTER_TOOLS) {
      const failing = loadTool(name).examples.filter((e) => e.expect.ok === false || e.expect.error);
      expect(failing.length, name).toBeGreaterThan(0);
    }
  });
});

describe("safe_read", () => {
  it("expands ~ to HOME", async () => {
    const home = await seededFolder({ "notes.txt": "from home\n" });
    const cwd = await seededFolder();
    const result = await resultOf(
      "safe_read",
      { path: "~/notes.txt" },
      { cwd, env: { ...process.env, HOME: home } },
    );
    expect(result.content).toBe("from home\n");
    expect(result.path).toBe(path.join(home, "notes.txt"));
  });

  it("cuts long files at a line boundary and says where to continue", async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join("\n");
    const cwd = await seededFolder({ "big.txt": text });
    const first = await resultOf("safe_read", { path: "big.txt", max_chars: 1000 }, { cwd });
    expect(first.truncated).toBe(true);
    expect(first.total_lines).toBe(5000);
    const next = Number(/start_line: (\d+)/.exec(String(first.note))?.[1]);
    expect(String(first.content).split("\n").at(-1)).toBe(`line ${next - 1}`);
    const second = await resultOf(
      "safe_read",
      { path: "big.txt", start_line: next, end_line: next + 1 },
      { cwd },
    );
    expect(second.content).toBe(`${next}: line ${next}\n${next + 1}: line ${next + 1}`);
  });

  it("suggests siblings for a missing file and a folder for a missing folder", async () => {
    const cwd = await seededFolder({ "src/components/Button.tsx": "", "src/components/Card.tsx": "" });
    expect(await errorOf("safe_read", { path: "src/components/Buton.tsx" }, { cwd })).toContain(
      "Did you mean: src/components/Button.tsx",
    );
    expect(await errorOf("safe_read", { path: "src/compnents/Button.tsx" }, { cwd })).toMatch(
      /folder src\/compnents does not exist.*src\/components/,
    );
    expect(await errorOf("safe_read", { path: "src" }, { cwd })).toContain("is a folder");
  });

  it("caps glob mode by file count and skips binaries with a reason", async () => {
    const cwd = await seededFolder({
      "a.txt": "a\n",
      "b.txt": Buffer.from([0x61, 0x00, 0x62]),
      "c.txt": "c\n",
      "d.txt": "d\n",
    });
    const result = await resultOf("safe_read", { glob: "*.txt", max_files: 2 }, { cwd });
    expect(result.files).toEqual([
      { path: "a.txt", total_lines: 1, content: "a\n" },
      { path: "c.txt", total_lines: 1, content: "c\n" },
    ]);
    expect(result.skipped).toEqual([{ path: "b.txt", reason: expect.stringContaining("binary") }]);
    expect(result).toMatchObject({ matched: 4, omitted: 1 });
  });

  it("asks for exactly one of path and glob", async () => {
    const cwd = await seededFolder();
    expect(await errorOf("safe_read", {}, { cwd })).toContain("Give path");
    expect(await errorOf("safe_read", { path: "a", glob: "*" }, { cwd })).toContain("not both");
  });
});

describe("search_code", () => {
  const fixture = {
    "src/app.ts":
      "import { load } from './load';\n\nexport function start() {\n  return load('config');\n}\n",
    "src/load.ts": "export function load(name: string) {\n  return name; // LOAD\n}\n",
    "docs/guide.md": "Call load() first.\n",
    ".github/ci.yml": "run: load\n",
    "dist/bundle.js": "function load(){}\n",
    "node_modules/pkg/index.js": "exports.load = 1;\n",
    "src/big.ts": `${"// filler\n".repeat(110_000)}load\n`,
    "src/image.ts": Buffer.concat([Buffer.from("load\n"), Buffer.from([0, 1, 2])]),
  };

  it("falls back to Node without rg: excludes, binaries, big files, hidden files", async () => {
    const cwd = await seededFolder(fixture);
    const env = { ...process.env, PATH: await pathWithoutRipgrep() };
    const result = await resultOf("search_code", { pattern: "load\\(" }, { cwd, env });
    expect(result.engine).toBe("node");
    expect(result.matches).toEqual([
      { file: "docs/guide.md", line: 1, text: "Call load() first." },
      { file: "src/app.ts", line: 4, text: "  return load('config');" },
      { file: "src/load.ts", line: 1, text: "export function load(name: string) {" },
    ]);
    const hidden = await resultOf("search_code", { pattern: "run: load" }, { cwd, env });
    expect(hidden.matches).toEqual([{ file: ".github/ci.yml", line: 1, text: "run: load" }]);
  });

  it("gives context lines clipped at the file's edges", async () => {
    const cwd = await seededFolder(fixture);
    const env = { ...process.env, PATH: await pathWithoutRipgrep() };
    const result = await resultOf(
      "search_code",
      { pattern: "LOAD", context_lines: 2, path: "src" },
      { cwd, env },
    );
    expect(result.matches).toEqual([
      {
        file: "src/load.ts",
        line: 2,
        text: "  return name; // LOAD",
        before: ["export function load(name: string) {"],
        after: ["}"],
      },
    ]);
  });

  it("filters by a path glob and searches inside an excluded folder when asked to", async () => {
    const cwd = await seededFolder(fixture);
    const env = { ...process.env, PATH: await pathWithoutRipgrep() };
    const globbed = await resultOf("search_code", { pattern: "load", glob: "src/**/*.ts" }, { cwd, env });
    expect(new Set((globbed.matches as { file: string }[]).map((m) => m.file))).toEqual(
      new Set(["src/app.ts", "src/load.ts"]),
    );
    const inside = await resultOf("search_code", { pattern: "load", path: "node_modules" }, { cwd, env });
    expect(inside.matches).toEqual([
      { file: "node_modules/pkg/index.js", line: 1, text: "exports.load = 1;" },
    ]);
  });

  it("counts what max_results left out", async () => {
    const cwd = await seededFolder({ "a.txt": "x\n".repeat(30) });
    const env = { ...process.env, PATH: await pathWithoutRipgrep() };
    const result = await resultOf("search_code", { pattern: "x", max_results: 5 }, { cwd, env });
    expect(result).toMatchObject({ truncated: true, omitted: 25 });
    expect(result.note).toContain("25 more matches not shown");
  });

  it("explains an invalid regex", async () => {
    const cwd = await seededFolder(fixture);
    const error = await errorOf("search_code", { pattern: "load(" }, { cwd });
    expect(error).toContain("Invalid regular expression");
    expect(error).toContain("fixed_string: true");
  });

  it.skipIf(!hasRipgrep)("returns the same matches from ripgrep and from the fallback", async () => {
    const cwd = await seededFolder(fixture);
    const noRg = { ...process.env, PATH: await pathWithoutRipgrep() };
    const cases = [
      { pattern: "load" },
      { pattern: "LOAD", case_insensitive: true, context_lines: 1 },
      { pattern: "load(", fixed_string: true, glob: "*.md" },
      { pattern: "load", max_results: 2 },
      { pattern: "load", path: "src/load.ts" },
    ];
    for (const args of cases) {
      const viaRg = await resultOf("search_code", args, { cwd });
      const viaNode = await resultOf("search_code", args, { cwd, env: noRg });
      expect(viaRg.engine, JSON.stringify(args)).toBe("ripgrep");
      expect(viaNode.engine).toBe("node");
      expect({ ...viaRg, engine: "node" }, JSON.stringify(args)).toEqual(viaNode);
    }
  });

  it.skipIf(!hasRipgrep)("falls back to Node for patterns only JavaScript accepts", async () => {
    const cwd = await seededFolder(fixture);
    const result = await resultOf("search_code", { pattern: "(?<=return )load" }, { cwd });
    expect(result).toMatchObject({
      engine: "node",
      matches: [{ file: "src/app.ts", line: 4 }],
      warnings: [expect.stringContaining("ripgrep rejected the pattern")],
    });
  });

  it.skipIf(!hasRipgrep)("runs every example with ripgrep and without it", { timeout: 60_000 }, async () => {
    const noRg = { ...process.env, PATH: await pathWithoutRipgrep() };
    for (const example of loadTool("search_code").examples) {
      const cwd = await seededFolder(example.files);
      for (const env of [process.env, noRg]) {
        const returned = await runTool("search_code", example.args, { cwd, env });
        expect(matchExpectation(example.expect, returned), JSON.stringify(example.args)).toEqual({
          pass: true,
        });
      }
    }
  });
});

describe("list_files", () => {
  const tree = {
    "a.ts": "1",
    "b/c.TS": "22",
    "b/d/e.js": "333",
    ".hidden/f.ts": "4444",
    "node_modules/x/g.ts": "",
    ".git/HEAD": "ref",
  };

  it("lists hidden files and excluded folders only when asked", async () => {
    const cwd = await seededFolder(tree);
    const plain = await resultOf("list_files", {}, { cwd });
    expect(plain.files).toEqual([
      { path: "a.ts", size: 1 },
      { path: "b/c.TS", size: 2 },
      { path: "b/d/e.js", size: 3 },
    ]);
    expect(plain.skipped_dirs).toEqual(["node_modules"]);
    const all = await resultOf("list_files", { include_hidden: true, include_excluded_dirs: true }, { cwd });
    expect((all.files as { path: string }[]).map((f) => f.path)).toEqual([
      ".git/HEAD",
      ".hidden/f.ts",
      "a.ts",
      "b/c.TS",
      "b/d/e.js",
      "node_modules/x/g.ts",
    ]);
  });

  it("filters by extension (any case, with or without a dot) and by glob", async () => {
    const cwd = await seededFolder(tree);
    const ts = await resultOf("list_files", { extensions: [".ts"] }, { cwd });
    expect((ts.files as { path: string }[]).map((f) => f.path)).toEqual(["a.ts", "b/c.TS"]);
    const globbed = await resultOf("list_files", { glob: "b/**/*.js" }, { cwd });
    expect(globbed.files).toEqual([{ path: "b/d/e.js", size: 3 }]);
  });

  it("caps entries and reports the rest", async () => {
    const files = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`f${String(i).padStart(2, "0")}.txt`, ""]),
    );
    const cwd = await seededFolder(files);
    const result = await resultOf("list_files", { max_entries: 10 }, { cwd });
    expect(result).toMatchObject({ total: 30, omitted: 20 });
    expect((result.files as unknown[]).length).toBe(10);
  });

  it("describes a single file", async () => {
    const cwd = await seededFolder(tree);
    expect(await resultOf("list_files", { path: "b/d/e.js" }, { cwd })).toEqual({
      files: [{ path: "b/d/e.js", size: 3 }],
      total: 1,
    });
  });
});

describe("test_dev_server", () => {
  const NODE_SERVER =
    'require("http").createServer((q, s) => s.end("up")).listen(Number(process.env.PORT) || 0, "127.0.0.1", ' +
    'function () { console.log("listening on http://127.0.0.1:" + this.address().port + "/"); });';
  // keeps running after SIGTERM, so only SIGKILL stops it
  const STUBBORN = `process.on("SIGTERM", () => console.log("ignoring SIGTERM")); ${NODE_SERVER}`;

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    if (typeof address !== "object" || address === null) throw new Error("no port");
    return address.port;
  }

  function groupGone(pgid: number): boolean {
    try {
      process.kill(-pgid, 0);
      return false;
    } catch (error) {
      return error instanceof Error && "code" in error && error.code === "ESRCH";
    }
  }

  /** Non-zombie members of the group: orphaned zombies wait for PID 1 and hold nothing. */
  async function livingMembers(pgid: number): Promise<number[]> {
    const pids = (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry));
    const living: number[] = [];
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") living.push(Number(pid));
    }
    return living;
  }

  /**
   * The group is gone: kill(-pgid, 0) fails with ESRCH. Orphaned grandchildren may linger as zombies
   * until PID 1 reaps them (this machine's PID 1 does so slowly), so after a short wait accept a group
   * whose only members are zombies.
   */
  async function expectGroupGone(pgid: number): Promise<void> {
    expect(Number.isInteger(pgid) && pgid > 1, `pgid ${pgid}`).toBe(true);
    for (let i = 0; i < 20 && !groupGone(pgid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!groupGone(pgid)) expect(await livingMembers(pgid)).toEqual([]);
  }

  const pgidOf = async (cwd: string) => Number((await readFile(path.join(cwd, "pgid.txt"), "utf8")).trim());

  it("leaves no process behind after a successful run", { timeout: 30_000 }, async () => {
    const cwd = await seededFolder({ "server.js": NODE_SERVER });
    // bash is the group leader: $$ is the process group id
    const result = await resultOf(
      "test_dev_server",
      { command: "echo $$ > pgid.txt; exec node server.js" },
      { cwd },
    );
    expect(result).toMatchObject({ ready: true, status: 200, body_excerpt: "up", stopped: true });
    expect(groupGone(await pgidOf(cwd))).toBe(true);
  });

  it("SIGKILLs a server that ignores SIGTERM, children included", { timeout: 30_000 }, async () => {
    const cwd = await seededFolder({ "server.js": STUBBORN });
    const command = "echo $$ > pgid.txt; node server.js & node server.js & wait";
    const result = await resultOf("test_dev_server", { command }, { cwd });
    expect(result).toMatchObject({ ready: true, stopped: true, stopped_by: "SIGKILL" });
    expect(result.output_tail).toContain("ignoring SIGTERM");
    await expectGroupGone(await pgidOf(cwd));
  });

  it("stops the server when the tool's own process is terminated", { timeout: 30_000 }, async () => {
    const cwd = await seededFolder();
    const args = { command: "echo $$ > pgid.txt; sleep 60", timeout_ms: 60_000 };
    const child = spawn(process.execPath, runnerArgs("test_dev_server", args), { cwd, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let pgid = Number.NaN;
    for (let i = 0; i < 100 && Number.isNaN(pgid); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pgid = await pgidOf(cwd).catch(() => Number.NaN);
    }
    expect(groupGone(pgid)).toBe(false);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    await expectGroupGone(pgid);
  });

  it("polls a given port and reports time to ready", { timeout: 30_000 }, async () => {
    const port = await freePort();
    const cwd = await seededFolder({ "server.js": NODE_SERVER });
    const result = await resultOf(
      "test_dev_server",
      { command: `PORT=${port} node server.js`, port },
      { cwd },
    );
    expect(result).toMatchObject({
      ready: true,
      url: `http://127.0.0.1:${port}/`,
      status: 200,
      stopped: true,
    });
    expect(result.ms_to_ready).toBeTypeOf("number");
  });

  it("refuses to test a port that already answers", { timeout: 30_000 }, async () => {
    const port = await freePort();
    const cwd = await seededFolder({ "server.js": NODE_SERVER });
    const other = spawn(process.execPath, ["server.js"], {
      cwd,
      env: { ...process.env, PORT: String(port) },
    });
    try {
      await new Promise((resolve) => other.stdout?.once("data", resolve));
      const error = await errorOf("test_dev_server", { command: "true", port }, { cwd });
      expect(error).toContain(`Something already answers at http://127.0.0.1:${port}/`);
    } finally {
      other.kill();
    }
  });

  it("reports not ready, with the last poll error, when nothing listens", { timeout: 30_000 }, async () => {
    const port = await freePort();
    const cwd = await seededFolder();
    const args = { command: "echo $$ > pgid.txt; echo warming up; sleep 30", port, timeout_ms: 1500 };
    const result = await resultOf("test_dev_server", args, { cwd });
    expect(result).toMatchObject({ ready: false, stopped: true, output_tail: ["warming up"] });
    expect(result.note).toContain("ECONNREFUSED");
    await expectGroupGone(await pgidOf(cwd));
  });
});
