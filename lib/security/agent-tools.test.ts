/**
 * Rows 10 and 11 (docs/security.md) for agent-written tools, called the way a turn calls them
 * (callAgentTool: sandboxed tool host, declared capabilities, masking by the caller). The same rows
 * for commands are lib/sandbox/containment.test.ts; through the running app, e2e/security/sandbox.spec.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initSandbox, setNetworkPolicy } from "@/lib/sandbox";
import { type AgentCallContext, callAgentTool } from "@/lib/tools/call";
import type { CallableTool } from "@/lib/tools/catalog";
import { sha256 } from "@/lib/tools/hash";
import { type Capabilities, capabilitiesSchema } from "@/lib/tools/manifest";

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-agent-tools-"));
const workspace = path.join(root, "workspace");
const dataDir = path.join(root, "data");
const home = path.join(root, "home");
const appDir = path.join(root, "app");
for (const dir of [workspace, dataDir, path.join(home, ".ssh"), path.join(home, ".aws"), appDir])
  mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dataDir, "ratchet.db"), "SQLite format 3\0DATABASE-CONTENT");
writeFileSync(path.join(dataDir, "token"), "TOKEN-CONTENT-0123456789");
writeFileSync(path.join(home, ".ssh", "id_rsa"), "PRIVATE-KEY-CONTENT");
writeFileSync(path.join(home, ".aws", "credentials"), "AWS-SECRET-CONTENT");
writeFileSync(path.join(appDir, ".env"), "OPENAI_API_KEY=sk-from-dotenv-0123456789");

const KEY = "sk-agent-tools-test-key-0123456789";
let server: Server;
let hits = 0;
let hostPort = 0;

beforeAll(async () => {
  process.env.OPENAI_API_KEY = KEY;
  process.env.RATCHET_AGENT_TOOLS_SECRET_TOKEN = "agent-tools-secret-token-value";
  const status = await initSandbox({
    locations: {
      dataDir,
      appDir,
      toolsDir: path.join(root, "tools"),
      skillsDir: path.join(root, "skills"),
      home,
    },
    network: { mode: "open" },
    disabled: false,
  });
  expect(status.mode, status.reason ?? "").toBe("on");
  server = createServer((_req, res) => {
    hits++;
    res.end("HOST-SERVICE");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hostPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function tool(source: string, caps: Partial<Capabilities>, trial = false): CallableTool {
  return {
    name: "probe",
    version: 1,
    versionId: "v1",
    // the approved hash: the tool host runs nothing else
    sha256: sha256(source),
    source,
    manifest: {
      description: "probe",
      schema: { type: "object", properties: {} },
      capabilities: capabilitiesSchema.parse(caps),
      requires: [],
      examples: 0,
    },
    trial,
  };
}

function context(): AgentCallContext {
  return {
    workspace,
    signal: new AbortController().signal,
    secrets: [KEY],
    onOutput: () => {},
    onSpawn: () => {},
  };
}

const HEAD = 'export const description = "probe"; export const schema = { type: "object", properties: {} };';

describe("row 10: an agent tool cannot read ~/.ssh, the database, the token, .env or the API key", () => {
  const source = `${HEAD}
import { readFileSync, readdirSync } from "node:fs";
const read = (p) => { try { return readFileSync(p, "utf8"); } catch (e) { return "denied:" + e.code; } };
const list = (p) => { try { return readdirSync(p); } catch (e) { return "denied:" + e.code; } };
export async function run() {
  return { ok: true, result: {
    ssh: read(${JSON.stringify(path.join(home, ".ssh", "id_rsa"))}), sshDir: list(${JSON.stringify(path.join(home, ".ssh"))}),
    aws: read(${JSON.stringify(path.join(home, ".aws", "credentials"))}),
    db: read(${JSON.stringify(path.join(dataDir, "ratchet.db"))}), token: read(${JSON.stringify(path.join(dataDir, "token"))}),
    dataDir: list(${JSON.stringify(dataDir)}), dotenv: read(${JSON.stringify(path.join(appDir, ".env"))}),
    key: process.env.OPENAI_API_KEY ?? null, secret: process.env.RATCHET_AGENT_TOOLS_SECRET_TOKEN ?? null,
    secretNames: ["OPENAI_API_KEY", "RATCHET_AGENT_TOOLS_SECRET_TOKEN"].filter((k) => k in process.env),
  } };
}`;

  it.each([
    ["with project file access", { filesystem: "project" as const }],
    ["with no file access", { filesystem: "none" as const }],
    ["with the network", { network: true }],
  ])("%s", async (_label, caps) => {
    const outcome = await callAgentTool(tool(source, caps), {}, context());
    expect(outcome.state, outcome.output).toBe("completed");
    for (const secret of [
      "PRIVATE-KEY-CONTENT",
      "AWS-SECRET-CONTENT",
      "DATABASE-CONTENT",
      "TOKEN-CONTENT",
      "sk-from-dotenv",
      KEY,
    ])
      expect(outcome.output).not.toContain(secret);
    const result = JSON.parse(outcome.output) as Record<string, unknown>;
    // by allowlist: the folders do not exist inside at all (they were empty placeholders before)
    expect(result).toMatchObject({
      sshDir: "denied:ENOENT",
      dataDir: "denied:ENOENT",
      key: null,
      secret: null,
      secretNames: [],
    });
    for (const field of ["ssh", "aws", "db", "token", "dotenv"])
      expect(String(result[field])).toMatch(/^denied:/);
  });

  it("a trial call gets none of the variables it declares; only an approved tool does (the approval card says so)", async () => {
    const envSource = `${HEAD}
export async function run() { return { ok: true, result: (process.env.OPENAI_API_KEY ?? "").length }; }`;
    const trial = await callAgentTool(tool(envSource, { env: ["OPENAI_API_KEY"] }, true), {}, context());
    expect(trial.output).toBe("0");
    const undeclared = await callAgentTool(tool(envSource, {}, false), {}, context());
    expect(undeclared.output).toBe("0");
    const approved = await callAgentTool(tool(envSource, { env: ["OPENAI_API_KEY"] }, false), {}, context());
    expect(approved.output).toBe(String(KEY.length));
  });
});

describe("row 11: an agent tool's connections to a refused host, this machine and the metadata address are blocked and recorded", () => {
  const source = `${HEAD}
import net from "node:net";
const tryFetch = async (url) => { try { return (await fetch(url)).status; } catch (e) { return [e.cause?.code, e.cause?.message ?? e.message].filter(Boolean).join(" "); } };
const tryConnect = (port) => new Promise((resolve) => { const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve("connected"); }); s.on("error", (e) => resolve(e.code)); });
export async function run() {
  return { ok: true, result: {
    outside: await tryFetch("https://example.com/"),
    metadata: await tryFetch("http://169.254.169.254/latest/meta-data/"),
    local: await tryFetch("http://127.0.0.1:PORT/"),
    socket: await tryConnect(PORT),
  } };
}`;

  it("records the denials in the result and as a sandbox_denial, even when the tool caught the errors", async () => {
    setNetworkPolicy({ mode: "allowlist", domains: ["registry.npmjs.org"] });
    try {
      const outcome = await callAgentTool(
        tool(source.replaceAll("PORT", String(hostPort)), { network: true }),
        {},
        context(),
      );
      expect(outcome.state, outcome.output).toBe("completed");
      expect(outcome.errorClass).toBe("sandbox_denial");
      expect(outcome.summary).toContain("network blocked");
      const result = JSON.parse(outcome.output.slice(0, outcome.output.indexOf("\n[sandbox]"))) as Record<
        string,
        unknown
      >;
      // a refused request fails (undici cancels the tunnel the proxy refused) or gets the proxy's 403
      for (const field of ["outside", "metadata"] as const)
        expect(
          typeof result[field] === "string" || Number(result[field]) >= 400,
          `${field}: ${result[field]}`,
        ).toBe(true);
      expect(String(result.local)).toMatch(/ECONNREFUSED/);
      expect(result.socket).toBe("ECONNREFUSED");
      expect(outcome.output).toMatch(/\[sandbox\] network requests blocked .*example\.com/);
      expect(outcome.output).toContain("169.254.169.254");
      expect(hits).toBe(0);
    } finally {
      setNetworkPolicy({ mode: "open" });
    }
  });

  it("a tool without the network capability has no route out at all, not even to the proxy", async () => {
    const outcome = await callAgentTool(tool(source.replaceAll("PORT", String(hostPort)), {}), {}, context());
    const result = JSON.parse(outcome.output) as Record<string, unknown>;
    expect(result.outside).not.toBe(200);
    expect(result.metadata).not.toBe(200);
    expect(result.socket).toBe("ECONNREFUSED");
    expect(hits).toBe(0);
  });

  it("a tool that fails because of a denial is a sandbox_denial too", async () => {
    const throwing = `${HEAD}
export async function run() { const r = await fetch("http://169.254.169.254/latest/meta-data/"); if (!r.ok) throw new Error("metadata said " + r.status); return { ok: true, result: 1 }; }`;
    const outcome = await callAgentTool(tool(throwing, { network: true }), {}, context());
    expect(outcome).toMatchObject({ state: "error", errorClass: "sandbox_denial" });
    expect(outcome.output).toContain("169.254.169.254");
  });
});
