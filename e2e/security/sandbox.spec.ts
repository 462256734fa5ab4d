/**
 * Rows 10, 11, 12 and 15 of the security suite (docs/security.md), through the running app: a
 * command and an agent-written tool try to read ~/.ssh, the database, the token and the API key;
 * connect to hosts the policy refuses, to this machine and to the cloud metadata address; run a
 * busy loop, a fork bomb, a firehose and background servers; and print secrets. The scripted model
 * asks for each (e2e/support/fake-llm.ts). A private app server runs on SECURITY.appPort(3) with
 * HOME pointing at a fixture home folder, its token in its data dir (no RATCHET_TOKEN) and an API
 * key that looks like no known token format, so only literal masking can hide it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, test } from "../support/fixtures";
import {
  type Api,
  apiClient,
  commandDescendants,
  createSession,
  processesMatching,
  queryDatabase,
  readEvents,
  rssMiB,
  runTurn,
  type SecurityApp,
  serverPid,
  sleep,
  startSecurityApp,
} from "../support/security";

const RUN = Date.now().toString(36);
const API_KEY = `literal-api-key-${RUN}-7f3a9c2b51e0`;
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\nsandbox-suite-${RUN}\n-----END OPENSSH PRIVATE KEY-----\n`;

let sec: SecurityApp;
let api: Api;
let token = "";
let listener: Server;
let hits: string[] = [];
let hostPort = 0;

function proposeDirective(name: string, source: string): string {
  const args = JSON.stringify({ name, source, reason: "security suite" });
  if (args.includes("]]")) throw new Error("tool source must not contain ]]");
  return `[[tool: propose_tool ${args}]]`;
}

const cmd = (command: string, timeoutMs?: number) =>
  `[[tool: run_command ${JSON.stringify({ command, ...(timeoutMs ? { timeout_ms: timeoutMs } : {}) })}]]`;

/** The tool results the model received, in call order. */
function modelSaw(): string[] {
  return sec.llm.requests.flatMap((r) => r.toolResults.map((t) => t.output));
}

async function toolCalls(sessionId: string) {
  // telemetry is written off the hot path
  await expect
    .poll(
      () => queryDatabase(sec.dirs.data, 'SELECT id FROM "ToolCall" WHERE "sessionId" = ?', sessionId).length,
    )
    .toBeGreaterThan(0);
  await sleep(500);
  return queryDatabase<{ tool: string; ok: number; exitCode: number | null; errorClass: string | null }>(
    sec.dirs.data,
    'SELECT tool, ok, "exitCode", "errorClass" FROM "ToolCall" WHERE "sessionId" = ? ORDER BY "createdAt"',
    sessionId,
  );
}

/** A tool's JSON result, without the sandbox's denial lines appended to it. */
function beforeDenials(output: string): string {
  const end = output.indexOf("\n[sandbox]");
  return end === -1 ? output : output.slice(0, end);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  hits = [];
  listener = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end("HOST-SERVICE");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  hostPort = (listener.address() as AddressInfo).port;
  sec = await startSecurityApp({
    name: "sandbox",
    offset: 3,
    env: {
      HOME: path.join(process.cwd(), "test-results", "e2e-security", "sandbox", "home"),
      RATCHET_TOKEN: "",
      OPENAI_API_KEY: API_KEY,
    },
    prepare: (dirs) => {
      mkdirSync(path.join(dirs.home, ".ssh"), { recursive: true });
      writeFileSync(path.join(dirs.home, ".ssh", "id_rsa"), PRIVATE_KEY, { mode: 0o600 });
      mkdirSync(path.join(dirs.home, ".aws"), { recursive: true });
      writeFileSync(path.join(dirs.home, ".aws", "credentials"), `aws_secret_access_key = aws-${RUN}\n`);
    },
  });
  token = readFileSync(path.join(sec.dirs.data, "token"), "utf8").trim();
  api = apiClient(sec.url, { authorization: `Bearer ${token}` });
});

test.afterAll(async () => {
  await sec?.stop();
  await new Promise((resolve) => listener?.close(resolve));
});

test("row 10: a command and an agent tool cannot read ~/.ssh, the database, the token or the API key", async () => {
  test.setTimeout(120_000);
  const data = sec.dirs.data;
  const home = sec.dirs.home;
  const pid = serverPid(sec.app);
  const command = [
    `cat ${home}/.ssh/id_rsa ~/.ssh/id_rsa ~/.aws/credentials 2>&1 | head -c 300`,
    `echo; ls -la ~/.ssh 2>&1 | tail -n +2`,
    `head -c 16 ${data}/ratchet.db 2>&1; echo`,
    `echo "token-bytes=$(cat ${data}/token 2>/dev/null | wc -c)"`,
    `ls ${data} 2>/dev/null | wc -l | sed 's/^/data-entries=/'`,
    `echo "keylen=\${#OPENAI_API_KEY} tokenlen=\${#RATCHET_TOKEN}"`,
    `env | grep -ci "literal-api-key" | sed 's/^/env-hits=/'`,
    `cat /proc/${pid}/environ 2>&1 | tr '\\0' '\\n' | grep -c OPENAI | sed 's/^/server-environ-hits=/'`,
  ].join("; ");
  const reader = `reader_${RUN}`;
  const source = [
    'import { readFileSync, readdirSync } from "node:fs";',
    'import os from "node:os";',
    'export const description = "Reads what it should not.";',
    'export const schema = { type: "object", properties: {} };',
    "const read = (p) => { try { return readFileSync(p, 'utf8').slice(0, 200); } catch (e) { return 'denied:' + e.code; } };",
    "const list = (p) => { try { return readdirSync(p); } catch (e) { return 'denied:' + e.code; } };",
    "export async function run() {",
    "  return { ok: true, result: {",
    "    ssh: read(os.homedir() + '/.ssh/id_rsa'), sshDir: list(os.homedir() + '/.ssh'),",
    `    aws: read(os.homedir() + '/.aws/credentials'), db: read(${JSON.stringify(`${data}/ratchet.db`)}).slice(0, 15),`,
    `    token: read(${JSON.stringify(`${data}/token`)}).length, dataDir: list(${JSON.stringify(data)}),`,
    "    key: (process.env.OPENAI_API_KEY ?? '').length, ratchetToken: (process.env.RATCHET_TOKEN ?? '').length,",
    `    environ: read('/proc/${pid}/environ').length,`,
    "  } };",
    "}",
  ].join("\n");
  const id = await createSession(api, "reads");
  sec.llm.reset();
  await runTurn(
    api,
    id,
    `${cmd(command)} ${proposeDirective(reader, source)} [[tool: ${reader} {}]]`,
    90_000,
  );
  const [commandOut = "", , toolOut = ""] = modelSaw();
  for (const out of [commandOut, toolOut]) {
    expect(out).not.toContain(`sandbox-suite-${RUN}`);
    expect(out).not.toContain(`aws-${RUN}`);
    expect(out).not.toContain("SQLite format 3");
    expect(out).not.toContain(token);
  }
  expect(commandOut).toContain("token-bytes=0");
  expect(commandOut).toContain("data-entries=0");
  expect(commandOut).toContain("keylen=0 tokenlen=0");
  expect(commandOut).toContain("env-hits=0");
  expect(commandOut).toContain("server-environ-hits=0");
  const result = JSON.parse(toolOut) as Record<string, unknown>;
  // by allowlist: ~/.ssh and the data dir do not exist inside at all
  expect(result).toMatchObject({
    sshDir: "denied:ENOENT",
    key: 0,
    ratchetToken: 0,
    dataDir: "denied:ENOENT",
  });
  expect(String(result.ssh)).toMatch(/^denied:/);
  expect(String(result.aws)).toMatch(/^denied:/);
  expect(String(result.db)).toMatch(/^denied:/);
  expect(result.environ).toBeLessThan(20);
});

test("row 11: connections to a host outside the allowlist, this machine and the metadata address are blocked and recorded as sandbox denials", async () => {
  test.setTimeout(120_000);
  const policy = await api.put("/api/settings", {
    network: { mode: "allowlist", domains: ["registry.npmjs.org"] },
  });
  expect(policy.status, policy.text).toBe(200);
  try {
    const target = `http://127.0.0.1:${hostPort}/`;
    // each command's exit status is the refused connection's, so telemetry can tell
    const commands = [
      // a host the allowlist does not name
      "curl -sS -m 10 -o /dev/null https://example.com/",
      // the cloud metadata address, through the proxy
      "curl -sSf -m 10 http://169.254.169.254/latest/meta-data/",
      // this machine: directly (the sandbox's own loopback is empty) and through the proxy
      `curl -sS -m 5 ${target}; echo "direct-rc=$?"; NO_PROXY= no_proxy= curl -sSf -m 5 ${target}`,
    ];
    const name = `netprobe_${RUN}`;
    const source = [
      'import net from "node:net";',
      'export const description = "Probes the network.";',
      'export const schema = { type: "object", properties: {} };',
      "export const capabilities = { network: true };",
      "const tryFetch = async (url) => { try { return (await fetch(url)).status; } catch (e) { return [e.cause?.code, e.cause?.message ?? e.message].filter(Boolean).join(' '); } };",
      "const tryConnect = (port) => new Promise((resolve) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve('connected'); }); s.on('error', (e) => resolve(e.code)); });",
      "export async function run() {",
      "  return { ok: true, result: {",
      "    outside: await tryFetch('https://example.com/'),",
      "    metadata: await tryFetch('http://169.254.169.254/latest/meta-data/'),",
      `    local: await tryFetch(${JSON.stringify(target)}),`,
      `    socket: await tryConnect(${hostPort}),`,
      "  } };",
      "}",
    ].join("\n");
    const id = await createSession(api, "network");
    sec.llm.reset();
    await runTurn(
      api,
      id,
      `${commands.map((c) => cmd(c)).join(" ")} ${proposeDirective(name, source)} [[tool: ${name} {}]]`,
      120_000,
    );
    // the model was told the policy in force, so it reads the refusals below as policy
    const system = sec.llm.requests[0]?.messages.find((m) => m.role === "system");
    expect(system && "text" in system ? system.text : "").toContain(
      "Network for commands (and for tools that declare network access): allowlist: only registry.npmjs.org",
    );
    const [outside = "", metadata = "", local = "", , tool = ""] = modelSaw();
    expect(outside).toMatch(/^exit code [1-9]/);
    expect(metadata).toMatch(/^exit code [1-9]/);
    expect(outside).toMatch(/\[sandbox\] network requests blocked[\s\S]*example\.com/);
    expect(metadata).toMatch(/\[sandbox\] network requests blocked[\s\S]*169\.254\.169\.254/);
    expect(local).not.toContain("HOST-SERVICE");
    expect(local).toMatch(/direct-rc=[1-9]/);
    expect(local).toMatch(/^exit code [1-9]/);
    expect(local).toMatch(/\[sandbox\] network requests blocked[\s\S]*127\.0\.0\.1/);
    const result = JSON.parse(beforeDenials(tool)) as Record<string, unknown>;
    // a refused request fails (undici cancels the tunnel the proxy refused) or gets the proxy's 403
    for (const field of ["outside", "metadata"] as const)
      expect(
        typeof result[field] === "string" || Number(result[field]) >= 400,
        `${field}: ${result[field]}`,
      ).toBe(true);
    expect(String(result.local)).toMatch(/ECONNREFUSED/);
    expect(result.socket).toBe("ECONNREFUSED");
    expect(tool).toMatch(
      /\[sandbox\] network requests blocked[\s\S]*example\.com[\s\S]*169\.254\.169\.254|\[sandbox\][\s\S]*169\.254\.169\.254[\s\S]*example\.com/,
    );
    expect(hits).toEqual([]);
    // telemetry: each failing command, and the tool, recorded as a sandbox denial
    const calls = await toolCalls(id);
    const runs = calls.filter((c) => c.tool === "run_command");
    expect(runs.map((c) => c.errorClass)).toEqual(["sandbox_denial", "sandbox_denial", "sandbox_denial"]);
    expect(calls.find((c) => c.tool === name)).toMatchObject({ ok: 1, errorClass: "sandbox_denial" });
  } finally {
    await api.put("/api/settings", { network: { mode: "open" } });
  }
});

test("row 12: a busy loop, a fork bomb, a firehose and background servers are killed or capped, nothing survives, server memory stays flat", async () => {
  test.setTimeout(180_000);
  const pid = serverPid(sec.app);
  const baseline = commandDescendants(pid).length;
  const rssBefore = rssMiB(pid);
  writeFileSync(
    path.join(sec.dirs.workspace, "package.json"),
    JSON.stringify({ name: "ws", private: true, scripts: { dev: `sleep 904 # dev-${RUN}` } }),
  );
  const tag = `survivor-${RUN}`;
  const calls = [
    cmd(`while :; do :; done # busy-${RUN}`, 1500),
    cmd(`b() { b | b & }; b # bomb-${RUN}`, 3000),
    cmd("head -c 1G /dev/zero"),
    cmd(`npm run dev > dev.log 2>&1 & sleep 1; echo started-dev # ${tag}`),
    cmd(
      `nohup sleep 901 >/dev/null 2>&1 & setsid sleep 902 & (setsid -f sleep 903) ; (exec -a ${tag} sleep 905) & disown; echo started-bg # ${tag}`,
    ),
  ];
  const id = await createSession(api, "runaways");
  sec.llm.reset();
  const started = Date.now();
  await runTurn(api, id, calls.join(" "), 150_000);
  const [busy = "", bomb = "", firehose = "", dev = "", bg = ""] = modelSaw();
  expect(busy).toContain("Timed out after 1.5s");
  expect(bomb).toMatch(/Timed out|exit code/);
  expect(firehose).toContain("Killed: the command printed more than 16 MiB");
  expect(dev).toContain("started-dev");
  expect(bg).toContain("started-bg");
  expect(Date.now() - started).toBeLessThan(60_000);
  // nothing the commands started is left anywhere on the machine
  for (const needle of [
    `busy-${RUN}`,
    `bomb-${RUN}`,
    `dev-${RUN}`,
    tag,
    "sleep 901",
    "sleep 902",
    "sleep 903",
    "sleep 904",
    "sleep 905",
  ]) {
    expect(processesMatching(needle), needle).toEqual([]);
  }
  const rssRightAfter = rssMiB(pid);
  await expect.poll(() => commandDescendants(pid).length, { timeout: 10_000 }).toBeLessThanOrEqual(baseline);
  // the firehose's NULs are not streamed (lib/sandbox/controls.ts); when each one went through the
  // event log as `\u0000`, the server was 300–450 MiB larger right after the turn (docs/security.md)
  expect(rssRightAfter - rssBefore).toBeLessThan(150);
  // the firehose went through the server without staying in its memory (the garbage collector
  // may take a while to give back what the rest of the turn cost on the way)
  const settleStarted = performance.now();
  await expect.poll(() => rssMiB(pid) - rssBefore, { timeout: 90_000, intervals: [1000] }).toBeLessThan(100);
  const settleMs = performance.now() - settleStarted;
  const session = await api.get<{ status: string }>(`/api/sessions/${id}`);
  expect(session.json.status).toBe("idle");
  test.info().annotations.push({
    type: "figures",
    description: JSON.stringify({
      rssBeforeMiB: Math.round(rssBefore),
      rssRightAfterMiB: Math.round(rssRightAfter),
      rssSettledMiB: Math.round(rssMiB(pid)),
      settleMs: Math.round(settleMs),
    }),
  });
});

test("row 15: the API key, sk-…, ghp_… and Bearer strings a command prints are masked in the database, the stream, the logs and the model's input", async () => {
  test.setTimeout(120_000);
  const secrets = {
    key: API_KEY,
    sk: `sk-proj-${RUN}ABCDEFGHIJKLMNOPQRSTUVWX0123`,
    ghp: `ghp_${RUN}abcdefghijklmnopqrstuvwxyz0123456`,
    bearer: `eyJhbGciOiJIUzI1NiJ9.${RUN}payloadpayload.signature0123`,
  };
  writeFileSync(path.join(sec.dirs.workspace, ".env"), `OPENAI_API_KEY=${secrets.key}\n`);
  writeFileSync(path.join(sec.dirs.workspace, "keys.txt"), `openai ${secrets.sk}\ngithub ${secrets.ghp}\n`);
  writeFileSync(path.join(sec.dirs.workspace, "headers.txt"), `Authorization: Bearer ${secrets.bearer}\n`);
  // the key arrives in pieces, the way a slow program prints it
  const half = Math.floor(API_KEY.length / 2);
  writeFileSync(path.join(sec.dirs.workspace, "a.txt"), API_KEY.slice(0, half));
  writeFileSync(path.join(sec.dirs.workspace, "b.txt"), API_KEY.slice(half));
  const id = await createSession(api, "secrets");
  const raw: string[] = [];
  const stream = readEvents(sec.url, id, {
    raw,
    headers: { authorization: `Bearer ${token}` },
    timeoutMs: 60_000,
    until: (events) => events.some((e) => e.type === "turn-end"),
  });
  await sleep(300);
  sec.llm.reset();
  await runTurn(
    api,
    id,
    `${cmd("cat .env keys.txt headers.txt; cat a.txt; sleep 0.3; cat b.txt; echo")} [[text: Done.]]`,
    60_000,
  );
  await stream;
  // every secret must be gone from every place it could land
  const places: Record<string, string> = {
    stream: raw.join(""),
    api: (await api.get(`/api/sessions/${id}`)).text,
    model: JSON.stringify(sec.llm.requests.map((r) => r.body)),
    logs: sec.app.output(),
    ...Object.fromEntries(
      ["ratchet.db", "ratchet.db-wal"]
        .filter((f) => existsSync(path.join(sec.dirs.data, f)))
        .map((f) => [f, readFileSync(path.join(sec.dirs.data, f)).toString("latin1")]),
    ),
    ...Object.fromEntries(
      readdirSync(sec.dirs.data)
        .filter((f) => f.endsWith(".log"))
        .map((f) => [f, readFileSync(path.join(sec.dirs.data, f), "utf8")]),
    ),
  };
  for (const [where, text] of Object.entries(places)) {
    for (const [what, value] of Object.entries(secrets)) {
      expect(text.includes(value), `${what} in ${where}`).toBe(false);
    }
  }
  // the output still made it, masked
  const output = modelSaw()[0] ?? "";
  expect(output).toContain("OPENAI_API_KEY=«masked»");
  expect(output).toContain("openai «masked»");
  expect(output).toContain("github «masked»");
  expect(output).toContain("Authorization: Bearer «masked»");
  expect(places.stream).toContain("«masked»");
});
