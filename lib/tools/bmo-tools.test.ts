import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { mapBmoCapabilities } from "./bmo-capabilities";
import { callAgentTool } from "./call";
import { sha256 } from "./hash";
import { type Capabilities, capabilitiesSchema } from "./manifest";
import { validateTool } from "./validate";

/**
 * bmo's tool format as bmo reads it: tools in bmo's shape (lib/tools/fixtures/bmo, our own files)
 * validate, and run through the same call path as an approved tool, in the real sandbox.
 */

const FIXTURES = path.join(import.meta.dirname, "fixtures", "bmo");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, `${name}.mjs`), "utf8");

describe("mapBmoCapabilities: bmo's spellings, and only those, are rewritten", () => {
  it.each<[string, unknown, Partial<Capabilities>, RegExp | null]>([
    ["filesystem: true is bmo's default, project", { filesystem: true }, { filesystem: "project" }, null],
    ["filesystem: false needs no files", { filesystem: false }, { filesystem: "none" }, null],
    ['"both" keeps the project, not bmo\'s home', { filesystem: "both" }, { filesystem: "project" }, /both/],
    ['"bmo" (its home) writes nothing here', { filesystem: "bmo" }, { filesystem: "none" }, /"bmo"/],
    ["env: true passes no variables", { env: true }, { env: [] }, /env: \["NAME"\]/],
    ["env: false passes no variables", { env: false }, { env: [] }, null],
    [
      "Ratchet's own spellings stay",
      { filesystem: "none", env: ["HOME"] },
      { filesystem: "none", env: ["HOME"] },
      null,
    ],
    ["no declaration is the default", undefined, { filesystem: "project", env: [], subprocess: false }, null],
  ])("%s", (_label, raw, expected, note) => {
    const mapped = mapBmoCapabilities(raw);
    expect(capabilitiesSchema.parse(mapped.capabilities)).toMatchObject(expected);
    if (note) expect(mapped.notes.join("\n")).toMatch(note);
    else expect(mapped.notes).toEqual([]);
  });

  it.each<[string, unknown]>([
    ["an unknown filesystem word", { filesystem: "everywhere" }],
    ["filesystem as a number", { filesystem: 1 }],
    ["env as a string", { env: "yes" }],
    ["network as a word", { network: "yes" }],
    ["subprocess as a string", { subprocess: "true" }],
    ["an unknown key", { shell: true }],
    ["not an object", "project"],
  ])("still refuses %s", (_label, raw) => {
    expect(capabilitiesSchema.safeParse(mapBmoCapabilities(raw).capabilities).success).toBe(false);
  });
});

interface Row {
  tool: string;
  capabilities: Partial<Capabilities>;
  /** The capabilities check: "warn" when the mapping granted less than bmo would. */
  check: "pass" | "warn";
  args: Record<string, unknown>;
  files?: Record<string, string>;
  output: RegExp;
  /** A file the call leaves in the workspace, and what it holds. */
  wrote?: [string, RegExp];
}

const ROWS: Row[] = [
  {
    tool: "count_lines",
    capabilities: { filesystem: "project" },
    check: "pass",
    args: { path: "src/a.txt" },
    files: { "src/a.txt": "one two\n\nthree\n" },
    output: /"lines": 3[\s\S]*"words": 3/,
  },
  {
    tool: "heading_outline",
    capabilities: { filesystem: "project" },
    check: "pass",
    args: { file: "README.md", levels: { min: 2 } },
    files: { "README.md": "# Title\n\n## Install\ntext\n### Linux\n" },
    output: /"text": "Install"[\s\S]*"line": 5/,
  },
  {
    tool: "append_note",
    capabilities: { filesystem: "project", env: [] },
    check: "warn",
    args: { note: "ship the parser", tag: "todo" },
    output: /notes\/NOTES\.md/,
    wrote: ["notes/NOTES.md", /^- \[todo\] ship the parser \(bmo\)\n$/],
  },
  {
    tool: "grep_todo",
    capabilities: { subprocess: true, filesystem: "project" },
    check: "pass",
    args: { dir: "." },
    files: { "lib/x.js": "const a = 1; // TODO: name this\n", "lib/y.js": "ok\n" },
    output: /"count": 1[\s\S]*TODO: name this/,
  },
  {
    tool: "slugify_text",
    capabilities: { filesystem: "project", network: false },
    check: "pass",
    args: { text: "Crème Brûlée: a Recipe!" },
    output: /^creme-brulee-a-recipe$/,
  },
  {
    tool: "session_clock",
    capabilities: { filesystem: "none", network: false, subprocess: false, env: [] },
    check: "pass",
    args: { zone: "Europe/Oslo" },
    output: /"zone": "Europe\/Oslo"/,
  },
  {
    tool: "home_index",
    capabilities: { filesystem: "none" },
    check: "warn",
    args: {},
    files: { "b.txt": "", "a/x.txt": "" },
    output: /"a\/",\s*"b\.txt"/,
  },
];

beforeAll(async () => {
  await startTestSandbox();
  // what bmo's env: true would hand append_note; Ratchet must not (it writes "(bmo)" without it)
  process.env.BMO_USER = "server-side-value";
});

describe("bmo-shaped tools validate and run in the sandbox", () => {
  it.each(ROWS)("$tool", async (row) => {
    const source = fixture(row.tool);
    const { report, manifest } = await validateTool(source, { schemaKey: `bmo-${row.tool}` });
    const failed = report.checks.filter((c) => c.status === "fail");
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === "capabilities")?.status).toBe(row.check);
    expect(manifest?.capabilities).toMatchObject(row.capabilities);
    if (!manifest) throw new Error("no manifest");

    const workspace = mkdtempSync(path.join(os.tmpdir(), `ratchet-bmo-${row.tool}-`));
    for (const [rel, content] of Object.entries(row.files ?? {})) {
      await mkdir(path.dirname(path.join(workspace, rel)), { recursive: true });
      writeFileSync(path.join(workspace, rel), content);
    }
    const outcome = await callAgentTool(
      {
        name: row.tool,
        version: 1,
        versionId: row.tool,
        sha256: sha256(source),
        source,
        manifest,
        trial: false,
      },
      row.args,
      {
        workspace,
        signal: new AbortController().signal,
        secrets: [],
        onOutput: () => {},
        onSpawn: () => {},
      },
    );
    expect(outcome, outcome.output).toMatchObject({ state: "completed" });
    expect(outcome.output).toMatch(row.output);
    if (row.wrote) expect(await readFile(path.join(workspace, row.wrote[0]), "utf8")).toMatch(row.wrote[1]);
  });

  it('a bmo tool declaring filesystem: "bmo" cannot write the workspace', async () => {
    const source = fixture("append_note").replaceAll('filesystem: "both"', 'filesystem: "bmo"');
    const { manifest } = await validateTool(source, { schemaKey: "bmo-append-note-bmo" });
    if (!manifest) throw new Error("no manifest");
    expect(manifest.capabilities.filesystem).toBe("none");
    const workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-bmo-readonly-"));
    const outcome = await callAgentTool(
      {
        name: "append_note",
        version: 1,
        versionId: "x",
        sha256: sha256(source),
        source,
        manifest,
        trial: false,
      },
      { note: "should not land" },
      { workspace, signal: new AbortController().signal, secrets: [], onOutput: () => {}, onSpawn: () => {} },
    );
    expect(outcome.state).toBe("error");
    await expect(readFile(path.join(workspace, "notes", "NOTES.md"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("an invalid tool keeps the description it exports", async () => {
    const source = fixture("count_lines").replace("{ filesystem: true }", '{ filesystem: "everywhere" }');
    const { report, manifest, description } = await validateTool(source, { schemaKey: "bmo-invalid" });
    expect(report.ok).toBe(false);
    expect(manifest).toBeNull();
    expect(description).toBe("Count the lines, words and characters of a text file in the project.");
  });
});
