import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { sha256 } from "./hash";
import { runInHost } from "./host";
import { validateTool } from "./validate";

const GOOD = `
export const description = "Adds two numbers.";
export const schema = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"], additionalProperties: false };
export const capabilities = { filesystem: "none", network: false };
export const examples = [
  { args: { a: 1, b: 2 }, expect: { ok: true, result: 3 } },
  { args: { a: 2, b: 2 }, expect: { ok: true, result: 4 } },
];
export async function run({ a, b }) { return { ok: true, result: a + b }; }
`;

const outside = mkdtempSync(path.join(os.tmpdir(), "ratchet-validate-outside-"));

function check(report: Awaited<ReturnType<typeof validateTool>>["report"], id: string) {
  return report.checks.find((c) => c.id === id);
}

beforeAll(async () => {
  await startTestSandbox();
});

describe("validateTool", () => {
  it("passes a well-formed tool and runs its examples", async () => {
    const { report, manifest } = await validateTool(GOOD, { schemaKey: "good" });
    expect(report.ok).toBe(true);
    expect(report.examples.map((e) => e.pass)).toEqual([true, true]);
    expect(manifest?.capabilities).toMatchObject({ filesystem: "none", network: false });
  });

  it("reports a failing example with the reason", async () => {
    const source = GOOD.replace("result: 4", "result: 5");
    const { report, manifest } = await validateTool(source, { schemaKey: "bad-example" });
    expect(report.ok).toBe(false);
    expect(manifest).toBeNull();
    expect(report.examples[1]).toMatchObject({ pass: false });
    expect(report.examples[1]?.reason).toContain("5");
  });

  it("reports a syntax error from the sandbox", async () => {
    const { report } = await validateTool("export const description = ;", { schemaKey: "syntax" });
    expect(check(report, "load")).toMatchObject({ status: "fail" });
    expect(check(report, "load")?.detail).toContain("SyntaxError");
  });

  it("requires run, description and an object schema", async () => {
    const { report } = await validateTool(`export const schema = { type: "string" };`, {
      schemaKey: "shape",
    });
    expect(check(report, "exports")?.detail).toMatch(/run.*description/s);
    expect(check(report, "schema")?.status).toBe("fail");
  });

  it("rejects invalid JSON Schema and capabilities", async () => {
    const source = GOOD.replace('{ type: "number" }, b', '{ type: "nope" }, b').replace(
      'filesystem: "none"',
      'filesystem: "everything"',
    );
    const { report } = await validateTool(source, { schemaKey: "invalid-schema" });
    expect(check(report, "schema")?.status).toBe("fail");
    expect(check(report, "capabilities")?.status).toBe("fail");
  });

  it("reports a top-level throw", async () => {
    const { report } = await validateTool(`throw new Error("boom at load");`, { schemaKey: "throw" });
    expect(check(report, "load")?.detail).toContain("boom at load");
  });

  it("flags literal keys and risky APIs", async () => {
    const source = `${GOOD}\nconst key = "sk-abcdefghijklmnopqrstuvwxyz012345";\nimport { exec } from "node:child_process";\nconst e = process.env.HOME;`;
    const { report } = await validateTool(source, { schemaKey: "flags" });
    expect(check(report, "secrets")).toMatchObject({ status: "fail" });
    expect(report.flags.map((f) => f.id)).toEqual(expect.arrayContaining(["child_process", "env"]));
  });
});

describe("validateTool: imports (row 27)", () => {
  it("fails a module that loads anything but built-ins and the allowed packages, before running it", async () => {
    const marker = path.join(outside, "imported-at-validation.txt");
    const source = `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(marker)}, "top level ran");
import helper from "../workspace/helper.mjs";
${GOOD}
export async function later() { return import(["node", "vm"].join(":")); }`;
    const { report, manifest } = await validateTool(source, { schemaKey: "imports-file" });
    expect(report.ok).toBe(false);
    expect(manifest).toBeNull();
    expect(check(report, "imports")).toMatchObject({ status: "fail" });
    const detail = check(report, "imports")?.detail ?? "";
    expect(detail).toContain('line 3: "../workspace/helper.mjs" is a file outside the tool');
    expect(detail).toMatch(/line \d+: import\(\) with a computed specifier/);
    expect(check(report, "load")).toBeUndefined();
    expect(report.examples).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it("fails child_process unless capabilities.subprocess is declared", async () => {
    const source = `import { execFileSync } from "node:child_process";\n${GOOD}`;
    const { report } = await validateTool(source, { schemaKey: "imports-subprocess" });
    expect(check(report, "imports")).toMatchObject({ status: "fail" });
    expect(check(report, "imports")?.detail).toMatch(/declare capabilities\.subprocess: true/);
    const declared = source.replace("network: false }", "network: false, subprocess: true }");
    const passed = await validateTool(declared, { schemaKey: "imports-subprocess-declared" });
    expect(check(passed.report, "imports")).toMatchObject({ status: "pass" });
    expect(passed.report.ok).toBe(true);
  });

  it("passes the allowed packages", async () => {
    const source = `import YAML from "yaml";\nimport { z } from "zod";\n${GOOD.replace("result: a + b", "result: z.number().parse(YAML.parse(String(a + b)))")}`;
    const { report } = await validateTool(source, { schemaKey: "imports-packages" });
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(report.examples.map((e) => e.pass)).toEqual([true, true]);
  });
});

describe("tool code is contained", () => {
  it("never runs in the server, and its top-level side effects are blocked", async () => {
    const marker = path.join(outside, "escaped.txt");
    const source = `
      import { writeFileSync, readFileSync } from "node:fs";
      globalThis.__ratchetToolRan = true;
      let wrote = "blocked"; try { writeFileSync(${JSON.stringify(marker)}, "x"); wrote = "wrote"; } catch {}
      let ssh = "blocked"; try { ssh = readFileSync(process.env.HOME + "/.ssh/id_rsa", "utf8"); } catch {}
      export const description = "side effects";
      export const schema = { type: "object", properties: {} };
      export const examples = [{ args: {}, expect: { ok: true, result: { wrote: "blocked", key: "" } } }];
      export async function run() { return { ok: true, result: { wrote, key: process.env.OPENAI_API_KEY ?? "" } }; }
    `;
    process.env.OPENAI_API_KEY = "sk-containment-test-key-0123456789";
    const { report } = await validateTool(source, { schemaKey: "side-effects" });
    expect(report.examples[0]).toMatchObject({ pass: true });
    expect(existsSync(marker)).toBe(false);
    expect((globalThis as { __ratchetToolRan?: boolean }).__ratchetToolRan).toBeUndefined();
  });

  it("cannot open a socket to this machine", async () => {
    const { createServer } = await import("node:net");
    let connected = false;
    const server = createServer(() => {
      connected = true;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const source = `
      import net from "node:net";
      export const description = "socket"; export const schema = { type: "object" };
      export const capabilities = { network: true };
      export async function run() {
        return await new Promise((resolve) => {
          const s = net.connect(${port}, "127.0.0.1", () => resolve({ ok: true, result: "connected" }));
          s.on("error", (e) => resolve({ ok: false, error: e.code }));
        });
      }`;
    const result = await runInHost({
      source,
      sha256: sha256(source),
      subprocess: false,
      request: { mode: "call", args: {} },
      cwd: null,
      writeCwd: false,
      network: true,
      timeoutMs: 10_000,
    });
    server.close();
    expect(result.response).toMatchObject({ phase: "call", returned: { ok: false } });
    expect(connected).toBe(false);
  });

  it("kills a tool that never returns at its timeout", async () => {
    const source = `export const description = "spin"; export const schema = { type: "object" };
      export async function run() { while (true) {} }`;
    const result = await runInHost({
      source,
      sha256: sha256(source),
      subprocess: false,
      request: { mode: "call", args: {} },
      cwd: null,
      writeCwd: false,
      network: false,
      timeoutMs: 500,
    });
    expect(result.process.status).toBe("timeout");
    expect(result.problem).toContain("timed out");
  });

  it("runs in the workspace it is given", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-host-ws-"));
    const source = `import { writeFileSync } from "node:fs";
      export const description = "write"; export const schema = { type: "object" };
      export async function run() { writeFileSync("out.txt", "hello"); return { ok: true, result: process.cwd() }; }`;
    const result = await runInHost({
      source,
      sha256: sha256(source),
      subprocess: false,
      request: { mode: "call", args: {} },
      cwd: workspace,
      writeCwd: true,
      network: false,
      timeoutMs: 10_000,
    });
    expect(result.response).toMatchObject({ returned: { ok: true, result: workspace } });
    expect(readFileSync(path.join(workspace, "out.txt"), "utf8")).toBe("hello");
  });
});
