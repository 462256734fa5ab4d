/**
 * Row 27 (docs/security.md): approval covers everything that runs. A tool is run by the real
 * sandboxed host, as a turn runs it; every way we know to load or compile code the approved hash
 * does not cover is tried, and each must be refused at call time by the host's loader, whatever
 * the static check would have said. Every payload, if it ran, writes HELPER-RAN into the workspace.
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import nodeModule from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closePrestarted, reopenPrestart } from "@/lib/sandbox/prestart";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { callAgentTool } from "./call";
import { sha256 } from "./hash";
import { type HostResult, prestartHost, runInHost } from "./host";
import { capabilitiesSchema } from "./manifest";

const workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-loader-ws-"));
const marker = path.join(workspace, "HELPER-RAN");
const helper = path.join(workspace, "helper.mjs");
const PAYLOAD = `process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "ran");`;

beforeAll(async () => {
  await startTestSandbox();
  writeFileSync(helper, `${PAYLOAD}\nexport const pwned = true;\n`);
  writeFileSync(path.join(workspace, "helper.cjs"), `${PAYLOAD}\nmodule.exports = { pwned: true };\n`);
  writeFileSync(path.join(workspace, "helper.json"), `{ "pwned": true }\n`);
  writeFileSync(path.join(workspace, "helper.txt"), PAYLOAD);
  symlinkSync(helper, path.join(workspace, "link.mjs"));
  const planted = path.join(workspace, "node_modules", "planted");
  mkdirSync(planted, { recursive: true });
  writeFileSync(
    path.join(planted, "package.json"),
    `{ "name": "planted", "type": "module", "main": "index.js" }`,
  );
  writeFileSync(path.join(planted, "index.js"), `${PAYLOAD}\nexport const pwned = true;\n`);
});

beforeEach(() => {
  rmSync(marker, { force: true });
});

afterAll(async () => {
  await closePrestarted();
  reopenPrestart();
});

const HEAD = `export const description = "probe"; export const schema = { type: "object", properties: {} };`;

type Mode = "fresh" | "prestarted";

/**
 * Runs the tool in a host started for its call, or in one started before it and waiting
 * (`--wait`, lib/sandbox/prestart.ts), and fails unless it ran where it was meant to. The mode is
 * appended to the source as a comment, so that the two never share a waiting host.
 */
async function host(
  mode: Mode,
  source: string,
  opts: { sha256?: string; subprocess?: boolean } = {},
): Promise<HostResult> {
  const tagged = `${source}\n// ${mode}`;
  const run = {
    source: tagged,
    sha256: opts.sha256 ?? sha256(tagged),
    subprocess: opts.subprocess ?? false,
    request: { mode: "call", args: {} } as const,
    cwd: workspace,
    writeCwd: true,
    network: false,
    timeoutMs: 20_000,
  };
  if (mode === "prestarted") await prestartHost(run);
  const result = await runInHost(run);
  expect(result.process.prestarted, "where the host ran").toBe(mode === "prestarted");
  return result;
}

const q = JSON.stringify;

describe.each(["fresh", "prestarted"] as const)("in a %s host", (mode) => {
  describe("row 27: a static import outside the allowlist stops the tool from loading; nothing of it runs", () => {
    const STATIC: Array<[string, string]> = [
      ["an absolute path into the workspace", `import ${q(helper)};`],
      ["a file: URL", `import ${q(pathToFileURL(helper).href)};`],
      ["a symbolic link in the workspace", `import ${q(path.join(workspace, "link.mjs"))};`],
      ["a CommonJS file", `import ${q(path.join(workspace, "helper.cjs"))};`],
      ["a JSON file", `import data from ${q(path.join(workspace, "helper.json"))} with { type: "json" };`],
      ["a file next to the tool", `import request from "./request.json" with { type: "json" };`],
      ["the parent folder", `import "../work/x.mjs";`],
      ["an export-from", `export * from ${q(helper)};`],
      ["a package planted in the workspace", `import "planted";`],
      ["a package Ratchet ships but does not allow", `import "ajv";`],
      ["a shipped package that loads any file", `import "tsx/esm/api";`],
      ["escaping an allowed package with ..", `import "zod/../ajv";`],
      ["a data: URL", `import ${q(`data:text/javascript,${encodeURIComponent(PAYLOAD)}`)};`],
      ["an http: URL", `import "http://127.0.0.1:9/helper.mjs";`],
      ["an https: URL", `import "https://example.com/helper.mjs";`],
      ["node:module", `import { createRequire } from "node:module";`],
      ["module", `import "module";`],
      ["node:vm", `import vm from "node:vm";`],
      ["vm", `import "vm";`],
      ["node:worker_threads", `import "node:worker_threads";`],
      ["node:cluster", `import "node:cluster";`],
      ["node:inspector", `import "node:inspector";`],
      ["node:inspector/promises", `import "node:inspector/promises";`],
      ["node:repl", `import "node:repl";`],
      ["node:wasi", `import "node:wasi";`],
      ["node:v8", `import "node:v8";`],
      ["node:test", `import "node:test";`],
      [
        "node:child_process without capabilities.subprocess",
        `import { spawnSync } from "node:child_process";`,
      ],
      ["child_process without capabilities.subprocess", `import "child_process";`],
      ["a built-in with a query", `import "node:fs?x=1";`],
      ["an upper-case scheme", `import "NODE:vm";`],
    ];

    it.each(STATIC)("%s", async (_label, line) => {
      const top = `${PAYLOAD.replace("ran", "top-level")}`;
      const result = await host(
        mode,
        `${line}\n${top}\n${HEAD}\nexport async function run() { return { ok: true, result: 1 }; }`,
      );
      expect(result.response?.phase, result.problem ?? "").toBe("load");
      const error = result.response?.phase === "load" ? result.response.error.message : "";
      expect(error).toMatch(/refused/);
      // linking fails before the module is evaluated: not even the tool's own top level ran
      expect(existsSync(marker)).toBe(false);
    });
  });

  describe("row 27: loading code at run time is refused, however the specifier or the code is built", () => {
    const DYNAMIC: Array<[string, string]> = [
      ["import() of a computed path", `await import(process.cwd() + "/helper.mjs")`],
      ["import() of a computed file: URL", `await import("file://" + process.cwd() + "/helper.mjs")`],
      ["import() through a symbolic link", `await import(process.cwd() + "/link.mjs")`],
      ["import() of a CommonJS file", `await import(process.cwd() + "/helper.cjs")`],
      [
        "import() of a data: URL built from a workspace file",
        `await import("data:text/javascript," + encodeURIComponent(readFileSync("helper.txt", "utf8")))`,
      ],
      ["import() of a package planted in the workspace", `await import(["plan", "ted"].join(""))`],
      [
        "import() of a hidden built-in",
        `(await import(["node", "vm"].join(":"))).runInThisContext(readFileSync("helper.txt", "utf8"))`,
      ],
      ["import.meta.resolve of a workspace file", `import.meta.resolve(process.cwd() + "/helper.mjs")`],
      ["eval of a workspace file", `eval(readFileSync("helper.txt", "utf8"))`],
      ["indirect eval", `(0, globalThis["ev" + "al"])(readFileSync("helper.txt", "utf8"))`],
      ["new Function", `new Function(readFileSync("helper.txt", "utf8"))()`],
      [
        "the AsyncFunction constructor",
        `await (async () => {}).constructor(readFileSync("helper.txt", "utf8"))()`,
      ],
      [
        "the GeneratorFunction constructor",
        `(function* () {}).constructor(readFileSync("helper.txt", "utf8"))().next()`,
      ],
      [
        "process.binding('contextify')",
        `new (process.binding("contextify").ContextifyScript)(readFileSync("helper.txt", "utf8"), "x").runInThisContext()`,
      ],
      [
        "process.binding('spawn_sync')",
        `process.binding("spawn_sync").spawn({ file: "node", args: ["node", "helper.mjs"] })`,
      ],
      ["process._linkedBinding", `process._linkedBinding("contextify")`],
      ["process.dlopen of a native addon", `process.dlopen({ exports: {} }, process.cwd() + "/addon.node")`],
      [
        "process.getBuiltinModule('module') and require",
        `process.getBuiltinModule("module").createRequire(process.cwd() + "/")("./helper.cjs")`,
      ],
      [
        "process.getBuiltinModule('node:vm')",
        `process.getBuiltinModule("node:vm").runInThisContext(readFileSync("helper.txt", "utf8"))`,
      ],
      [
        "process.getBuiltinModule('worker_threads')",
        `new (process.getBuiltinModule("worker_threads").Worker)(readFileSync("helper.txt", "utf8"), { eval: true })`,
      ],
      [
        "process.getBuiltinModule('child_process') without capabilities.subprocess",
        `process.getBuiltinModule("child_process").execFileSync(process.execPath, ["helper.mjs"])`,
      ],
      [
        "rewriting its own file and importing it again under a new URL",
        `writeFileSync(new URL(import.meta.url), ${q(`${PAYLOAD}\nexport {};`)}); await import(import.meta.url + "?again")`,
      ],
      [
        "rewriting its own file and importing it again under the same URL",
        `writeFileSync(new URL(import.meta.url), ${q(`${PAYLOAD}\nexport {};`)}); await import(import.meta.url)`,
      ],
      ["a shipped package that loads any file", `await import("tsx/esm/api")`],
      ["require", `require("./helper.cjs")`],
    ];

    it.each(DYNAMIC)("%s", async (_label, attempt) => {
      const source = `import { readFileSync, writeFileSync } from "node:fs";
  ${HEAD}
  export async function run() {
    try { ${attempt}; return { ok: true, result: "it ran" }; }
    catch (error) { return { ok: false, error: String(error?.message ?? error) }; }
  }`;
      const result = await host(mode, source);
      expect(result.response, result.problem ?? "").toMatchObject({ phase: "call", returned: { ok: false } });
      expect(existsSync(marker)).toBe(false);
    });

    it("the inspector, which evaluates strings, cannot be started: SIGUSR1 and process.debugPort lead nowhere", async () => {
      const source = `import net from "node:net";
  ${HEAD}
  const connects = (port) => new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => { socket.destroy(); resolve(true); });
    socket.on("error", () => resolve(false));
  });
  export async function run() {
    process.debugPort = 9229;
    process.kill(process.pid, "SIGUSR1");
    // the inspector starts on its own thread; give it every chance to listen
    for (let i = 0; i < 40; i++) {
      if (await connects(process.debugPort)) return { ok: true, result: "the inspector is listening" };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { ok: false, error: "no inspector" };
  }`;
      const result = await host(mode, source);
      expect(result.response).toMatchObject({
        phase: "call",
        returned: { ok: false, error: "no inspector" },
      });
      expect(result.process.output).toMatch(/Starting inspector on 192\.0\.2\.1:9229 failed/);
    });
  });

  describe("row 27: a tool that tampers with what the loader hooks use still cannot load code past them", () => {
    const inThread = "registerHooks" in nodeModule;
    // Where Node has module.registerHooks the hooks run in the tool's own thread (issue 20): every
    // built-in method they could look up at call time is replaced first, then each load is tried.
    const TAMPER = `
      const yes = () => true;
      for (const name of ["startsWith", "endsWith", "includes"]) String.prototype[name] = yes;
      String.prototype.slice = function () { return "fs"; };
      String.prototype.indexOf = () => -1;
      String.prototype.split = function () { return ["fs"]; };
      Set.prototype.has = yes;
      Map.prototype.has = yes;
      Map.prototype.get = () => ${q(path.dirname(helper))};
      RegExp.prototype.test = yes;
      RegExp.prototype.exec = function () { return [""]; };
      Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true, value: undefined });
      Function.prototype.call = function () { return true; };
      Function.prototype.apply = function () { return true; };
      const forged = { get() { return "node:fs"; }, configurable: true };
      for (const key of ["href", "pathname", "protocol"]) {
        try { Object.defineProperty(URL.prototype, key, forged); } catch {}
      }`;
    const ATTEMPTS: Array<[string, string]> = [
      [
        "node:child_process without capabilities.subprocess",
        `(await import("node:child_process")).execFileSync(process.execPath, ["helper.mjs"])`,
      ],
      [
        "child_process by its bare name",
        `(await import(["child", "process"].join("_"))).execFileSync(process.execPath, ["helper.mjs"])`,
      ],
      ["node:vm", `(await import("node:vm")).runInThisContext(helperText)`],
      ["a workspace file by path", `await import(process.cwd() + "/helper.mjs")`],
      ["a workspace file by file: URL", `await import("file://" + process.cwd() + "/helper.mjs")`],
      ["a package planted in the workspace", `await import("planted")`],
      ["escaping an allowed package with ..", `await import("zod/../../" + "workspace-helper")`],
      ["a data: URL", `await import("data:text/javascript," + encodeURIComponent(helperText))`],
    ];

    it.each(ATTEMPTS)("%s", async (_label, attempt) => {
      const source = `import { readFileSync } from "node:fs";
  ${HEAD}
  export async function run() {
    const helperText = readFileSync("helper.txt", "utf8");
    try { ${TAMPER}
      ${attempt};
      return { ok: true, result: "it ran" };
    } catch (error) { return { ok: false, error: String(error?.message) }; }
  }`;
      const result = await host(mode, source);
      expect(result.response, result.problem ?? "").toMatchObject({ phase: "call", returned: { ok: false } });
      const returned =
        result.response?.phase === "call" && "returned" in result.response ? result.response.returned : null;
      // in-thread hooks refuse, untouched by the tampering; Node 20's main-thread half of the hooks
      // thread may trip over it first ("buffer must be a …"), which fails closed as well
      if (inThread) expect(JSON.stringify(returned)).toMatch(/refused/);
      expect(existsSync(marker)).toBe(false);
    });

    it("runs the hooks in the tool's thread where Node can (URL frozen first), in their own thread elsewhere", async () => {
      const source = `${HEAD}
  export async function run() { return { ok: true, result: Object.isFrozen(URL.prototype) }; }`;
      const result = await host(mode, source);
      expect(result.response).toMatchObject({ phase: "call", returned: { ok: true, result: inThread } });
    });
  });

  describe("row 27: what runs is what was approved", () => {
    it("refuses to run a source whose sha256 is not the approved one", async () => {
      const approved = `${HEAD}\nexport async function run() { return { ok: true, result: "approved" }; }`;
      const changed = `${PAYLOAD}\n${approved}`;
      const result = await host(mode, changed, { sha256: sha256(approved) });
      expect(result.response?.phase).toBe("load");
      const error = result.response?.phase === "load" ? result.response.error.message : "";
      expect(error).toContain("not the approved version");
      expect(error).toContain(sha256(approved).slice(0, 12));
      expect(existsSync(marker)).toBe(false);
    });

    it("an approved tool that imports a workspace module is refused with a reason the model can act on", async () => {
      const source = `import { pwned } from ${q(helper)};\n${HEAD}\nexport async function run() { return { ok: true, result: pwned }; }`;
      const outcome = await callAgentTool(
        {
          name: "imports_helper",
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
          trial: false,
        },
        {},
        {
          workspace,
          signal: new AbortController().signal,
          secrets: [],
          onOutput: () => {},
          onSpawn: () => {},
        },
      );
      expect(outcome.state).toBe("error");
      expect(outcome.output).toContain("imports_helper could not be loaded, so it did not run");
      expect(outcome.output).toContain(`import "${helper}" refused`);
      expect(outcome.output).toMatch(/Put the code in the tool itself/);
      expect(existsSync(marker)).toBe(false);
    });
  });

  describe("row 27: what a tool may use still works", () => {
    it("node: built-ins, bare built-in names, the allowed packages and getBuiltinModule", async () => {
      const source = `import { readFileSync } from "node:fs";
  import fsp from "fs/promises";
  import path from "path";
  import { z } from "zod";
  import YAML from "yaml";
  import { marked } from "marked";
  ${HEAD}
  export async function run() {
    const parsed = YAML.parse("a: 1");
    const html = marked.parse("# hi");
    const ok = z.object({ a: z.number() }).safeParse(parsed).success;
    const os = process.getBuiltinModule("node:os");
    const zod4 = await import("zod/v4");
    return { ok: true, result: { ok, html, sep: path.sep, os: typeof os.platform, files: (await fsp.readdir(".")).includes("helper.txt"), v4: typeof zod4.z, read: readFileSync("helper.json", "utf8").length > 0 } };
  }`;
      const result = await host(mode, source);
      expect(result.response, result.problem ?? "").toMatchObject({
        phase: "call",
        returned: {
          ok: true,
          result: {
            ok: true,
            html: "<h1>hi</h1>\n",
            sep: "/",
            os: "function",
            files: true,
            v4: "object",
            read: true,
          },
        },
      });
    });

    it("child_process with capabilities.subprocess", async () => {
      const source = `import { execFileSync } from "node:child_process";
  ${HEAD}
  export async function run() { return { ok: true, result: execFileSync("echo", ["started"], { encoding: "utf8" }).trim() }; }`;
      const result = await host(mode, source, { subprocess: true });
      expect(result.response).toMatchObject({ phase: "call", returned: { ok: true, result: "started" } });
    });
  });
});
