/**
 * Rows 21, 23 and 39 of the security suite (docs/security.md): issue 14's findings 1, 3 (row 21:
 * workspaces only inside allowed roots, never the app or any data dir), 2 (row 23: no server-side
 * read follows a link) and the masking of the whole model request (row 39), run as an attacker
 * would.
 *
 * Two instances on one machine, laid out the way the issue found them. Instance A (SECURITY
 * offset 10) was upgraded with RATCHET_WORKSPACE pointing at the app itself, and has one root;
 * instance B (offset 11) is a default install (no RATCHET_WORKSPACE, no RATCHET_TOKEN) whose data
 * dir a careless layout put inside A's root. A member of A tries every protected folder as a
 * workspace; B must never work in the app; AGENTS.md in B's workspaces links to B's token and to
 * /proc/self/environ, and the scripted model records every request it gets.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { SECURITY } from "../support/constants";
import { expect, test } from "../support/fixtures";
import {
  type Api,
  apiClient,
  createSession,
  databaseSnapshot,
  type EventRecord,
  readEvents,
  runTurn,
  type SecurityApp,
  startSecurityApp,
} from "../support/security";

const RUN = Date.now().toString(36);
const APP = process.cwd();
const KEY = "sk-e2e-test-key-0000000000";
const DB_PASSWORD = "Sup3rS3cretPw";

let a: SecurityApp;
let b: SecurityApp;
let bApi: Api;
let bToken = "";
/** B's home folder, data dir and default workspace root. */
const bHome = path.join(SECURITY.scratch("workspaces-b"), "home");
let bData = "";
const bRoot = path.join(bHome, "ratchet-workspaces");

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  a = await startSecurityApp({
    name: "workspaces",
    offset: 10,
    // upgraded from a release whose default workspace was the app itself
    env: { RATCHET_WORKSPACE: APP },
  });
  bData = path.join(a.dirs.workspace, "instance-b", "data");
  b = await startSecurityApp({
    name: "workspaces-b",
    offset: 11,
    env: {
      RATCHET_WORKSPACE: "",
      RATCHET_WORKSPACE_ROOTS: "",
      RATCHET_TOKEN: "",
      RATCHET_DATA_DIR: bData,
      HOME: bHome,
    },
    prepare: () => mkdirSync(bHome, { recursive: true }),
  });
  bToken = readFileSync(path.join(bData, "token"), "utf8").trim();
  bApi = apiClient(b.url, { authorization: `Bearer ${bToken}` });
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

function eventsUntilEnd(app: SecurityApp, id: string) {
  return readEvents(app.url, id, {
    timeoutMs: 30_000,
    until: (events) => events.some((e) => e.type === "turn-end"),
  });
}

test("row 21: a default install never works in the app dir; it makes ~/ratchet-workspaces and says so at start and in Settings", async ({
  page,
}) => {
  const defaultWorkspace = path.join(bRoot, "default");
  // a session started without a folder works in the default workspace, and its commands write there
  const id = await createSession(bApi, "no folder given");
  const session = await bApi.get<{ workspace: string }>(`/api/sessions/${id}`);
  expect(session.json.workspace).toBe(defaultWorkspace);
  const probe = `probe-${RUN}.txt`;
  await runTurn(bApi, id, `[[cmd: echo RATCHET_SANDBOX=off > ${probe} && pwd]]`);
  try {
    expect(existsSync(path.join(defaultWorkspace, probe))).toBe(true);
    expect(existsSync(path.join(APP, probe))).toBe(false);
  } finally {
    rmSync(path.join(APP, probe), { force: true });
  }

  // the app, its build output and its source are refused by name
  for (const folder of [APP, path.join(APP, ".next"), path.join(APP, "lib"), path.join(APP, "scripts")]) {
    const res = await bApi.post<{ error: { message: string } }>("/api/sessions", { workspace: folder });
    expect(res.status, folder).toBe(400);
    expect(res.json.error.message).toMatch(/Ratchet's app folder/);
  }

  // said at start and in the API; the marker is how every other instance recognises this data dir
  expect(b.app.output()).toContain(`workspaces: sessions may work in ${bRoot}`);
  expect(b.app.output()).toContain(`the default workspace is ${defaultWorkspace}`);
  expect(readFileSync(path.join(bData, ".ratchet-data-dir"), "utf8")).toMatch(/Ratchet data dir/);
  const settings = await bApi.get<{ workspaces: Record<string, unknown> }>("/api/settings");
  expect(settings.json.workspaces).toMatchObject({ roots: [bRoot], source: "default", defaultWorkspace });

  // and a person sees it on the Settings page
  const login = await page.context().request.post(`${b.url}/api/auth/login`, { data: { token: bToken } });
  expect(login.status()).toBe(200);
  await page.goto(`${b.url}/settings`);
  await expect(page.getByTestId("settings-workspace-roots")).toHaveText(bRoot);
  await expect(page.getByTestId("settings-default-workspace")).toHaveText(defaultWorkspace);
  // an admin changing the roots there: a forbidden folder is refused with the reason, nothing saved
  await page.getByTestId("settings-workspace-roots-input").fill(`${bRoot}\n/`);
  await page.getByTestId("settings-workspace-roots-save").click();
  await expect(page.getByTestId("settings-workspace-roots-error")).toContainText(
    "/ is the root of the file system",
  );
  expect(
    (await bApi.get<{ workspaces: { saved: unknown } }>("/api/settings")).json.workspaces.saved,
  ).toBeNull();
  await page.getByTestId("settings-workspace-roots-input").fill(bRoot);
  await page.getByTestId("settings-workspace-roots-save").click();
  await expect(page.getByTestId("settings-workspaces").getByTitle("Current value: saved")).toBeVisible();
  expect((await bApi.get<{ workspaces: { saved: unknown } }>("/api/settings")).json.workspaces.saved).toEqual(
    [bRoot],
  );
  await page.getByRole("button", { name: "Clear saved folders" }).click();
  await expect(page.getByTestId("settings-workspaces").getByTitle("Current value: default")).toBeVisible();
  expect(
    (await bApi.get<{ workspaces: { saved: unknown } }>("/api/settings")).json.workspaces.saved,
  ).toBeNull();
});

test("row 21: a member cannot make /, the app, a data dir (this or another instance's), tools, skills, a system folder or the home folder a workspace: 400 with the reason, nothing created", async () => {
  const root = a.dirs.workspace;
  const created = await a.api.post<{ token: string }>("/api/users", {
    name: `member-${RUN}`,
    role: "member",
  });
  expect(created.status).toBe(201);
  const member = apiClient(a.url, { authorization: `Bearer ${created.json.token}` });
  mkdirSync(path.join(bData, "sub"), { recursive: true });
  mkdirSync(`${root}-evil`, { recursive: true });
  symlinkSync(APP, path.join(root, "link-to-app"));
  symlinkSync(a.dirs.data, path.join(root, "link-to-data"));

  const ATTEMPTS: Array<[string, RegExp]> = [
    ["/", /\/ is the root of the file system/],
    [APP, /is Ratchet's app folder/],
    [`${APP}/.next/server`, /is inside Ratchet's app folder/],
    [a.dirs.data, /is Ratchet's data folder/],
    [`${a.dirs.data}//`, /is Ratchet's data folder/],
    [bData, /another Ratchet instance's data folder/],
    [path.join(bData, "sub"), /another Ratchet instance's data folder/],
    [a.dirs.tools, /Ratchet's tools folder/],
    [a.dirs.skills, /Ratchet's skills folder/],
    ["/etc", /a system folder/],
    ["/proc/self/cwd", /a system folder|Ratchet's app folder/],
    ["/var/lib", /a system folder/],
    [os.homedir(), /the home folder/],
    ["/tmp", /the shared temp folder/],
    [path.join(root, "link-to-app"), /Ratchet's app folder.*symbolic link/],
    [path.join(root, "link-to-data"), /Ratchet's data folder/],
    [`${root}/../../../..`, /contains|outside the workspace roots|temp folder/],
    [`${root}-evil`, /outside the workspace roots/],
    ["~", /the home folder/],
  ];
  const before = databaseSnapshot(a.dirs.data, ["AuditLog", "User"]);
  const failures: string[] = [];
  for (const [folder, reason] of ATTEMPTS) {
    const res = await member.post<{ error?: { message: string } }>("/api/sessions", { workspace: folder });
    const message = res.json?.error?.message ?? "";
    if (res.status !== 400 || !reason.test(message)) failures.push(`${folder}: ${res.status} ${message}`);
  }
  expect(failures).toEqual([]);
  expect(databaseSnapshot(a.dirs.data, ["AuditLog", "User"])).toEqual(before);

  // inside the root, the member may work; the real folder is what is stored
  mkdirSync(path.join(root, "project"), { recursive: true });
  const ok = await member.post<{ id: string }>("/api/sessions", { workspace: path.join(root, "project") });
  expect(ok.status).toBe(201);

  // only an admin changes the roots, every change is checked on disk and audited
  const refused = await member.put("/api/settings/workspace-roots", { roots: [root] });
  expect(refused.status).toBe(403);
  for (const roots of [["/"], [APP], [path.join(root, "link-to-data")], [os.homedir()], ["/usr/local"]]) {
    expect((await a.api.put("/api/settings/workspace-roots", { roots })).status, roots[0]).toBe(400);
  }
  const second = path.join(a.dirs.scratch, "second-root");
  mkdirSync(second, { recursive: true });
  const saved = await a.api.put<{ roots: string[]; source: string }>("/api/settings/workspace-roots", {
    roots: [root, second],
  });
  expect(saved.status).toBe(200);
  expect(saved.json).toMatchObject({ roots: [root, second], source: "settings" });
  const log = await a.api.get<{ entries: Array<{ actor: string; detail: { roots: string[] } }> }>(
    "/api/audit?action=workspaceRoots.update",
  );
  expect(log.json.entries[0]).toMatchObject({ actor: "owner", detail: { roots: [root, second] } });
  expect((await a.api.put("/api/settings/workspace-roots", { roots: null })).json).toMatchObject({
    roots: [root],
    source: "env",
  });
});

test("row 21: every turn checks again: a folder swapped for a link to the data dir, and a session from before the upgrade in the app dir, are refused with the reason and nothing runs", async () => {
  const root = a.dirs.workspace;

  const swap = path.join(root, "swap");
  mkdirSync(swap);
  const swapped = await createSession(a.api, "swapped later", swap);
  renameSync(swap, `${swap}.old`);
  symlinkSync(a.dirs.data, swap);

  const old = path.join(root, "old");
  mkdirSync(old);
  const upgraded = await createSession(a.api, "from an older release", old);
  const db = new Database(path.join(a.dirs.data, "ratchet.db"), { fileMustExist: true, timeout: 5000 });
  try {
    db.prepare('UPDATE "Session" SET "workspace" = ? WHERE "id" = ?').run(APP, upgraded);
  } finally {
    db.close();
  }
  expect((await a.api.get(`/api/sessions/${upgraded}`)).status).toBe(200);

  const requestsBefore = a.llm.requests.length;
  for (const [id, reason] of [
    [swapped, /Ratchet's data folder/],
    [upgraded, /Ratchet's app folder/],
  ] as const) {
    await runTurn(a.api, id, `[[cmd: touch pwned-${RUN}]]`);
    const events = await eventsUntilEnd(a, id);
    const error = events.find((e: EventRecord) => e.type === "error");
    expect(error, JSON.stringify(events)).toMatchObject({ code: "turn_failed" });
    expect(String(error?.message)).toMatch(reason);
    expect(String(error?.message)).toMatch(/start a new session/);
    expect(events.some((e) => e.type === "tool-call")).toBe(false);
  }
  expect(a.llm.requests.length).toBe(requestsBefore);
  expect(existsSync(path.join(a.dirs.data, `pwned-${RUN}`))).toBe(false);
  expect(existsSync(path.join(APP, `pwned-${RUN}`))).toBe(false);
  // and the upgrade was said at start: RATCHET_WORKSPACE was the app itself
  expect(a.app.output()).toMatch(/RATCHET_WORKSPACE .* is not used: .*is Ratchet's app folder/);
});

/** Plants each trap in its own workspace in B's root, runs one turn there, returns the model's request bodies. */
async function turnsIn(traps: Array<[string, (ws: string) => void, string]>): Promise<string[]> {
  b.llm.reset();
  for (const [name, plant, text] of traps) {
    const ws = path.join(bRoot, `trap-${name}`);
    mkdirSync(ws, { recursive: true });
    plant(ws);
    const id = await createSession(bApi, name, ws);
    const session = await runTurn(bApi, id, text, 60_000);
    expect(session.status, name).toBe("idle");
  }
  expect(b.llm.requests.length).toBeGreaterThanOrEqual(traps.length);
  return b.llm.requests.map((r) => JSON.stringify(r.body));
}

function leaks(bodies: string[], secrets: string[]): string[] {
  return bodies.flatMap((body, i) =>
    secrets.filter((s) => body.includes(s)).map((s) => `request ${i}: ${s}`),
  );
}

test("row 23: AGENTS.md or CLAUDE.md linked to the token or /proc/self/environ, a hard link, a FIFO: never read, so no secret reaches the model, and the turn does not hang", async () => {
  test.setTimeout(180_000);
  const token = path.join(bData, "token");
  const bodies = await turnsIn([
    ["link-token", (ws) => symlinkSync(token, path.join(ws, "AGENTS.md")), "hello"],
    ["link-environ", (ws) => symlinkSync("/proc/self/environ", path.join(ws, "AGENTS.md")), "hello"],
    ["claude-relative", (ws) => symlinkSync(path.relative(ws, token), path.join(ws, "CLAUDE.md")), "hello"],
    ["hard-link", (ws) => linkSync(token, path.join(ws, "AGENTS.md")), "hello"],
  ]);
  expect(leaks(bodies, [bToken, KEY, "OPENAI_API_KEY=", "RATCHET_DATA_DIR="])).toEqual([]);
  // a FIFO: reading it would wait for a writer forever, and the turn with it
  bodies.push(
    ...(await turnsIn([["fifo", (ws) => execFileSync("mkfifo", [path.join(ws, "AGENTS.md")]), "hello"]])),
  );
  // each refused file is named in the prompt, so the model can tell the user why
  for (const why of [
    "AGENTS.md was not read: it is a symbolic link",
    "CLAUDE.md was not read: it is a symbolic link",
    "AGENTS.md was not read: it has 2 hard links",
    "AGENTS.md was not read: it is not a regular file",
  ]) {
    expect(
      bodies.some((body) => body.includes(why)),
      why,
    ).toBe(true);
  }
});

test("row 39: the whole model request is masked: an AGENTS.md holding the token and the key, and a command printing a database URL with its password, reach neither the model nor the database", async () => {
  test.setTimeout(120_000);
  const bodies = await turnsIn([
    [
      "literal",
      (ws) => {
        writeFileSync(path.join(ws, "AGENTS.md"), `# Rules\nThe token is ${bToken} and the key is ${KEY}.\n`);
        writeFileSync(
          path.join(ws, "database.env"),
          `DATABASE_URL=postgresql://ratchet:${DB_PASSWORD}@db.internal:5432/ratchet\n`,
        );
      },
      "[[cmd: cat database.env]]",
    ],
  ]);
  expect(leaks(bodies, [bToken, KEY, DB_PASSWORD])).toEqual([]);
  expect(bodies.some((body) => body.includes("The token is «masked» and the key is «masked»."))).toBe(true);
  expect(bodies.some((body) => body.includes("DATABASE_URL=postgresql://ratchet:«masked»@db.internal"))).toBe(
    true,
  );
  const stored = JSON.stringify(databaseSnapshot(bData));
  for (const secret of [bToken, KEY, DB_PASSWORD]) expect(stored).not.toContain(secret);
});
