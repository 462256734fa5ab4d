import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { E2E } from "./support/constants";
import { type FakeLLM, startFakeLLM } from "./support/fake-llm";
import { expect, terminalText, test } from "./support/fixtures";
import { type AppServer, startServer } from "./support/server";

/**
 * Two app instances on one PostgreSQL database (a private cluster): a turn started through one
 * streams live to a browser on the other; when the first is killed with kill -9 the second marks
 * the session interrupted within 30 s, reaps the command it left, and takes the next turn itself.
 * Ports 3200/3201 and a model server on 4011 keep clear of the main end-to-end servers (3100/4010).
 */
const PORTS = { a: 3200, b: 3201, llm: 4011 };
const SLEEP = "sleep 603";
const TAKEOVER_LIMIT_MS = 30_000;
const results = path.dirname(E2E.dataDir);
const dirs = {
  a: path.join(results, "e2e-multi-a"),
  b: path.join(results, "e2e-multi-b"),
  tools: path.join(results, "e2e-multi-tools"),
  skills: path.join(results, "e2e-multi-skills"),
};
const auth = { authorization: `Bearer ${E2E.token}` };

function postgresInstalled(): boolean {
  const root = "/usr/lib/postgresql";
  return existsSync(root) && readdirSync(root).some((v) => existsSync(path.join(root, v, "bin", "initdb")));
}

function sleepers(): string[] {
  try {
    return execFileSync("pgrep", ["-f", `^${SLEEP}$`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** RATCHET_TEST_PG_URL's cluster (npm test starts one), else a private one for this file. */
async function clusterUrl(): Promise<{ url: string; stop: () => void }> {
  const shared = process.env.RATCHET_TEST_PG_URL;
  if (shared) return { url: shared, stop: () => {} };
  const child: ChildProcess = spawn(process.execPath, ["scripts/pg-cluster.mjs"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /DATABASE_URL=(\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`pg-cluster exited (${code}): ${out}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

async function onCluster(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

test.skip(
  !postgresInstalled() && process.env.CI !== "true",
  "PostgreSQL is not installed (apt-get install postgresql)",
);

let cluster: { url: string; stop: () => void } | undefined;
let databaseUrl = "";
let database = "";
let llm: FakeLLM | undefined;
const servers: AppServer[] = [];

test.beforeAll(async () => {
  test.setTimeout(240_000);
  for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  for (const dir of [dirs.tools, dirs.skills, E2E.workspace]) mkdirSync(dir, { recursive: true });
  cluster = await clusterUrl();
  database = `ratchet_e2e_multi_${randomBytes(4).toString("hex")}`;
  await onCluster(cluster.url, `CREATE DATABASE "${database}"`);
  const url = new URL(cluster.url);
  url.pathname = `/${database}`;
  databaseUrl = url.toString();
  llm = await startFakeLLM({ port: PORTS.llm });
});

test.afterAll(async () => {
  for (const server of servers) await server.stop().catch(() => {});
  await llm?.close();
  for (const pid of sleepers()) execFileSync("kill", ["-9", pid]);
  if (cluster && database) {
    await onCluster(cluster.url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
  }
  cluster?.stop();
});

function start(port: number, dataDir: string): Promise<AppServer> {
  return startServer({
    port,
    dataDir,
    env: {
      DATABASE_URL: databaseUrl,
      OPENAI_BASE_URL: `http://127.0.0.1:${PORTS.llm}/v1`,
      RATCHET_TOOLS_DIR: dirs.tools,
      RATCHET_SKILLS_DIR: dirs.skills,
    },
  }).then((server) => {
    servers.push(server);
    return server;
  });
}

test("a turn on one instance streams to the other, which takes over within 30 s of a kill -9", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const a = await start(PORTS.a, dirs.a);
  const b = await start(PORTS.b, dirs.b);

  const created = await request.post(`${a.url}/api/sessions`, {
    headers: auth,
    data: { title: "two instances" },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  // a browser on B watches the session
  const login = await page.context().request.post(`${b.url}/api/auth/login`, { data: { token: E2E.token } });
  expect(login.status()).toBe(200);
  await page.goto(`${b.url}/sessions/${id}`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  // the turn runs on A
  const sent = await request.post(`${a.url}/api/sessions/${id}/messages`, {
    headers: auth,
    data: { text: `[[cmd: echo started-on-a; ${SLEEP}]]` },
  });
  expect(sent.status()).toBe(202);
  await expect.poll(() => terminalText(page)).toContain("started-on-a");
  await expect(page.getByTestId("session-status")).toHaveText("running");
  await expect.poll(() => sleepers().length).toBe(1);

  // B refuses a second turn while A holds the session
  const refused = await request.post(`${b.url}/api/sessions/${id}/messages`, {
    headers: auth,
    data: { text: "[[text: not now]]" },
  });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toMatch(/another Ratchet instance/);

  // A dies without a chance to clean up; B notices through the lapsed lease
  const killedAt = Date.now();
  await a.crash();
  await expect(page.getByTestId("session-status")).toHaveText("interrupted", { timeout: TAKEOVER_LIMIT_MS });
  const takeoverMs = Date.now() - killedAt;
  console.log(`[multi-instance] session interrupted by the other instance ${takeoverMs} ms after kill -9`);
  expect(takeoverMs).toBeLessThan(TAKEOVER_LIMIT_MS);
  await expect.poll(() => terminalText(page)).toContain("interrupted");

  const session = await (await request.get(`${b.url}/api/sessions/${id}`, { headers: auth })).json();
  expect(session.status).toBe("interrupted");
  expect(session.statusNote).toMatch(/another instance marked it interrupted/);
  expect(session.messages[1].parts[0]).toMatchObject({ type: "tool", tool: "run_command", state: "error" });
  const reflections = await query<{ trigger: string }>(
    databaseUrl,
    'SELECT "trigger" FROM "Reflection" WHERE "sessionId" = $1',
    [id],
  );
  expect(reflections).toEqual([{ trigger: "interrupted" }]);
  // B killed the command A left behind (same host; its marker is checked)
  await expect.poll(() => sleepers()).toEqual([]);

  // and the session goes on, on B
  const next = await request.post(`${b.url}/api/sessions/${id}/messages`, {
    headers: auth,
    data: { text: "[[text: carried on by the second instance]]" },
  });
  expect(next.status()).toBe(202);
  await expect.poll(() => terminalText(page)).toContain("carried on by the second instance");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
});
