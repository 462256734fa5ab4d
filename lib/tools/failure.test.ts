import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initSandbox } from "@/lib/sandbox";
import { type AgentCallContext, callAgentTool } from "./call";
import type { CallableTool } from "./catalog";
import { clipFailure, describeThrown, toolFrames } from "./failure";
import { sha256 } from "./hash";
import { capabilitiesSchema } from "./manifest";

const HOST = "file:///tmp/ratchet-priv-x1/host";

describe("the frames of a tool's stack that people see", () => {
  const stack = [
    "TypeError: Cannot read properties of undefined (reading 'split')",
    `    at words (${HOST}/tool.mjs:7:22)`,
    `    at async run (${HOST}/tool.mjs:12:10)`,
    `    at file:///srv/ratchet/lib/tools/host/tool-host.mjs:141:28`,
    "    at node:internal/modules/esm/module_job:271:25",
    `    at Object.<anonymous> (${HOST}/tool.mjs:30:1)`,
    `    at ${HOST}/tool.mjs:40:1`,
  ].join("\n");

  it("keeps only frames in the tool's own file, named after the tool, at most three", () => {
    expect(toolFrames(stack, "find_todos")).toEqual([
      "at words (find_todos.mjs:7:22)",
      "at run (find_todos.mjs:12:10)",
      "at Object.<anonymous> (find_todos.mjs:30:1)",
    ]);
  });

  it("never shows a host path, Node's internals or the private temp folder", () => {
    const text = describeThrown({ name: "TypeError", message: "x is not a function", stack }, "t");
    expect(text.split("\n")[0]).toBe("TypeError: x is not a function");
    for (const leak of ["/tmp/", "/srv/", "node:internal", "tool-host", "file:"])
      expect(text).not.toContain(leak);
  });

  // the stack is the tool's to write: it may claim anything
  it.each([
    ["a frame with an escape sequence in its name", `    at \x1b[31mrun\x1b[0m (${HOST}/tool.mjs:1:1)`],
    ["a frame pointing at another file named tool.mjs", "    at run (/etc/host/tool.mjs:1:1)"],
    ["a frame whose name carries a path", `    at run (/etc/passwd) (${HOST}/tool.mjs:1:1)`],
    ["a frame with a name too long to be one", `    at ${"a".repeat(200)} (${HOST}/tool.mjs:1:1)`],
    ["a frame with text after it", `    at run (${HOST}/tool.mjs:1:1) and /home/me/.ssh/id_rsa`],
  ])("drops %s", (_label, line) => {
    expect(toolFrames(line, "t")).toEqual([]);
  });

  it("says only the name when there is no message, and cuts a long message", () => {
    expect(describeThrown({ name: "Thrown", message: "", stack: "" }, "t")).toBe("Thrown");
    const long = describeThrown({ name: "Error", message: "x".repeat(2000), stack: "" }, "t");
    expect(long.length).toBeLessThan(520);
    expect(long.endsWith("…")).toBe(true);
  });

  it("clips a failure to its first lines and marks the cut", () => {
    expect(clipFailure("one\r\ntwo\n")).toBe("one\ntwo");
    const many = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    expect(clipFailure(many).split("\n")).toHaveLength(8);
    expect(clipFailure(many).endsWith("…")).toBe(true);
    expect(clipFailure("y".repeat(5000)).length).toBe(1001);
  });
});

describe("a real call of a tool that throws", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-tool-failure-"));
  const workspace = path.join(root, "workspace");
  mkdirSync(workspace, { recursive: true });

  beforeAll(async () => {
    const status = await initSandbox({
      locations: {
        dataDir: path.join(root, "data"),
        appDir: path.join(root, "app"),
        toolsDir: path.join(root, "tools"),
        skillsDir: path.join(root, "skills"),
        home: path.join(root, "home"),
      },
      network: { mode: "open" },
      disabled: false,
    });
    expect(status.mode, status.reason ?? "").toBe("on");
  });

  function tool(source: string): CallableTool {
    return {
      name: "find_todos",
      version: 1,
      versionId: "v1",
      sha256: sha256(source),
      source,
      manifest: {
        description: "probe",
        schema: { type: "object", properties: {} },
        capabilities: capabilitiesSchema.parse({}),
        requires: [],
        examples: 0,
      },
      trial: true,
    };
  }

  const context = (): AgentCallContext => ({
    workspace,
    signal: new AbortController().signal,
    secrets: [],
    onOutput: () => {},
    onSpawn: () => {},
  });

  const HEAD =
    'export const description = "probe"; export const schema = { type: "object", properties: {} };';

  it("gives the message and the line of the tool's own file, for the model and for people", async () => {
    const source = `${HEAD}
function walk(dir) {
  throw new Error("EACCES: permission denied, open '" + dir + "/.bash_profile'");
}
export async function run() { return { ok: true, result: walk(".") }; }`;
    const outcome = await callAgentTool(tool(source), {}, context());
    expect(outcome.state).toBe("error");
    expect(outcome.summary).toBe("threw");
    expect(outcome.error?.split("\n")).toEqual([
      "Error: EACCES: permission denied, open './.bash_profile'",
      "  at walk (find_todos.mjs:3:9)",
      "  at Module.run (find_todos.mjs:5:58)",
    ]);
    expect(outcome.output).toContain("at walk (find_todos.mjs:3:9)");
    expect(outcome.output).not.toContain(root);
  });

  it("counts the result it returned as its output, not only what it printed", async () => {
    const source = `${HEAD}
export async function run() { return { ok: true, result: "0123456789" }; }`;
    const outcome = await callAgentTool(tool(source), {}, context());
    expect(outcome.state).toBe("completed");
    expect(outcome.outputBytes).toBe(10);
  });

  it("records no output size for a call refused before it ran", async () => {
    const strict = tool(`${HEAD} export async function run() { return { ok: true, result: 1 }; }`);
    strict.manifest.schema = { type: "object", properties: {}, additionalProperties: false };
    const outcome = await callAgentTool(strict, { nope: 1 }, context());
    expect(outcome.state).toBe("error");
    expect(outcome.outputBytes).toBeNull();
    expect(outcome.error).toBeTruthy();
  });
});
