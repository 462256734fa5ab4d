/**
 * Row 6 of the security suite (docs/security.md): skill and tool names that try to leave their
 * folders (`../x`, `a/b`, `%2e%2e`, absolute paths), a skill that is a symlink to /etc, and a
 * prefix-sibling folder (`skills-evil` next to `skills`) get a 4xx and touch nothing: not the skills
 * or tools folders, not the sibling, not /etc. Through the HTTP API and through the agent's own
 * tools (load_skill, propose_tool). A private app server runs on SECURITY.appPort(1).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "../support/fixtures";
import {
  auth,
  createSession,
  httpRequest,
  runTurn,
  type SecurityApp,
  startSecurityApp,
  treeSnapshot,
} from "../support/security";

const doc = (name: string, description = "A skill.") =>
  `---\nname: ${name}\ndescription: ${description}\n---\nBody of ${name}.\n`;

/** Names that must never become a path: traversal, separators, encodings, absolute paths. */
const BAD_NAMES = [
  "..",
  "../x",
  "../skills-evil",
  "..%2fx",
  "%2e%2e",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "a/b",
  "a\\b",
  "/etc/passwd",
  "/tmp/x",
  ".hidden",
  "x.md",
  "UPPER",
  "a b",
  "x".repeat(65),
];

let sec: SecurityApp;

/**
 * A name with dot segments (`..`, `%2e%2e`) is resolved away by URL normalization before routing
 * (Next answers 308 or 404 for the path it becomes), and a raw `/` or `\` makes a different path:
 * such requests never reach a skill or tool handler at all.
 */
function routedElsewhere(route: string, encoded: string, status: number): boolean {
  const normalized = new URL(route, "http://x").pathname !== route.split("?")[0];
  const separator = /[/\\]/.test(decodeURIComponent(encoded));
  return (normalized || separator) && (status === 404 || status === 308);
}
let outside = "";

function etcPasswd() {
  const info = statSync("/etc/passwd");
  return { mtime: info.mtimeMs, sha: createHash("sha256").update(readFileSync("/etc/passwd")).digest("hex") };
}

/** Everything a refused request could have touched. */
function world() {
  return {
    root: treeSnapshot(sec.dirs.root).filter((line) => !line.startsWith("data")),
    passwd: etcPasswd(),
  };
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sec = await startSecurityApp({
    name: "paths",
    offset: 1,
    prepare: (dirs) => {
      // a real skill, a prefix-sibling folder with its own skill, and links out of the folder
      mkdirSync(path.join(dirs.skills, "real"));
      writeFileSync(path.join(dirs.skills, "real", "SKILL.md"), doc("real"));
      outside = path.join(dirs.root, "skills-evil");
      mkdirSync(path.join(outside, "sib"), { recursive: true });
      writeFileSync(path.join(outside, "sib", "SKILL.md"), doc("sib", "Lives in the sibling folder."));
      symlinkSync("/etc", path.join(dirs.skills, "etc"));
      symlinkSync(path.join(outside, "sib"), path.join(dirs.skills, "sib"));
      mkdirSync(path.join(dirs.skills, "passwd"));
      symlinkSync("/etc/passwd", path.join(dirs.skills, "passwd", "SKILL.md"));
      // and the same tricks in the tools folder
      symlinkSync("/etc/passwd", path.join(dirs.tools, "passwd.mjs"));
    },
  });
});

test.afterAll(async () => {
  await sec?.stop();
});

test("row 6: skill names that leave the folder get 400 on every skill route, and nothing is touched", async () => {
  const before = world();
  const failures: string[] = [];
  const skillDoc = JSON.stringify({ content: doc("x") });
  for (const name of BAD_NAMES) {
    const encoded = name.includes("%") ? name : encodeURIComponent(name);
    const calls: Array<[string, string, string?]> = [
      ["GET", `/api/skills/${encoded}`],
      ["PUT", `/api/skills/${encoded}`, skillDoc],
      ["DELETE", `/api/skills/${encoded}`],
      ["POST", `/api/skills/${encoded}/rename`, JSON.stringify({ to: "renamed" })],
      ["POST", "/api/skills/real/rename", JSON.stringify({ to: name })],
      ["POST", `/api/skills/${encoded}/restore`, JSON.stringify({ version: 1 })],
      ["GET", `/api/skills/${encoded}/versions`],
      ["GET", `/api/skills/${encoded}/versions/1`],
    ];
    for (const [method, route, body] of calls) {
      const res = await httpRequest(`${sec.url}${route}`, {
        method,
        headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body } : {}),
      });
      // 400 from the name check; a raw "/" or "\" in a path is routed elsewhere by Next (404)
      const routedAway = routedElsewhere(route, encoded, res.status);
      if (res.status !== 400 && !routedAway)
        failures.push(`${method} ${route} ${body ?? ""}: ${res.status} ${res.body.slice(0, 100)}`);
    }
  }
  expect(failures).toEqual([]);
  expect(world()).toEqual(before);
});

test("row 6: a skill that is a symlink to /etc or to a prefix-sibling folder is never written through or read", async () => {
  const before = world();
  for (const name of ["etc", "sib", "passwd"]) {
    for (const [method, route, body] of [
      ["PUT", `/api/skills/${name}`, JSON.stringify({ content: doc(name, "Overwritten.") })],
      ["DELETE", `/api/skills/${name}`, undefined],
      ["POST", `/api/skills/${name}/rename`, JSON.stringify({ to: `${name}-moved` })],
    ] as const) {
      const res = await httpRequest(`${sec.url}${route}`, {
        method,
        headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body } : {}),
      });
      expect([403, 404, 409, 422], `${method} ${route}: ${res.status} ${res.body}`).toContain(res.status);
    }
    const read = await httpRequest(`${sec.url}/api/skills/${name}`, { headers: auth });
    expect(read.body).not.toContain("root:x:0:0");
    expect(read.body).not.toContain("Lives in the sibling folder.");
  }
  // renaming a real skill onto a link's name does not go through the link either
  const onto = await httpRequest(`${sec.url}/api/skills/real/rename`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ to: "etc" }),
  });
  expect([403, 409]).toContain(onto.status);
  const list = await httpRequest(`${sec.url}/api/skills`, { headers: auth });
  expect(list.status).toBe(200);
  expect(list.body).not.toContain("root:x:0:0");
  expect(list.body).not.toContain("Lives in the sibling folder.");
  expect(world()).toEqual(before);
});

test("row 6: tool names that leave the folder get 400 on every tool route, and a symlinked tool file is not trusted", async () => {
  const before = world();
  const failures: string[] = [];
  const sha = "0".repeat(64);
  for (const name of BAD_NAMES) {
    const encoded = name.includes("%") ? name : encodeURIComponent(name);
    const calls: Array<[string, string, string?]> = [
      ["GET", `/api/tools/${encoded}`],
      ["POST", `/api/tools/${encoded}/approve`, JSON.stringify({ sha256: sha })],
      ["POST", `/api/tools/${encoded}/reject`, JSON.stringify({ reason: "no thanks", sha256: sha })],
      ["POST", `/api/tools/${encoded}/retire`, JSON.stringify({ reason: "old" })],
      ["POST", `/api/tools/${encoded}/rollback`, JSON.stringify({ version: 1 })],
    ];
    for (const [method, route, body] of calls) {
      const res = await httpRequest(`${sec.url}${route}`, {
        method,
        headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body } : {}),
      });
      const routedAway = routedElsewhere(route, encoded, res.status);
      if (res.status !== 400 && !routedAway)
        failures.push(`${method} ${route}: ${res.status} ${res.body.slice(0, 100)}`);
    }
  }
  expect(failures).toEqual([]);
  // the symlink to /etc/passwd in the tools folder is not an approved tool, and syncing does not follow it out
  const sync = await httpRequest(`${sec.url}/api/tools/sync`, { method: "POST", headers: auth });
  expect(sync.status).toBe(200);
  const synced = JSON.parse(sync.body) as {
    verified: string[];
    ignored: Array<{ file: string; reason: string }>;
  };
  expect(synced.verified).not.toContain("passwd");
  expect(synced.ignored).toContainEqual({
    file: "passwd.mjs",
    reason: expect.stringContaining("symbolic link"),
  });
  const tools = await httpRequest(`${sec.url}/api/tools`, { headers: auth });
  expect(tools.body).not.toContain("root:x:0:0");
  // never read, so never stored: no version of it exists
  const passwd = await httpRequest(`${sec.url}/api/tools/passwd`, { headers: auth });
  expect(passwd.status).toBe(404);
  expect(passwd.body).not.toContain("root:x:0:0");
  expect(world()).toEqual(before);
});

test("row 6: the agent's own load_skill and propose_tool refuse the same names and read nothing outside", async () => {
  const before = world();
  const id = await createSession(sec.api, "paths through the agent");
  const calls = [
    ...["../skills-evil/sib", "%2e%2e", "/etc/passwd", "etc", "sib", "passwd", "a/b"].map(
      (name) => `[[tool: load_skill ${JSON.stringify({ name })}]]`,
    ),
    ...["../x", "a/b", "/etc/passwd", "%2e%2e", "..", "run_command"].map(
      (name) =>
        `[[tool: propose_tool ${JSON.stringify({ name, source: 'export const description = "x"; export const schema = { type: "object" }; export async function run() { return { ok: true, result: 1 }; }', reason: "path test" })}]]`,
    ),
  ];
  sec.llm.reset();
  await runTurn(sec.api, id, calls.join(" "), 120_000);
  const results = sec.llm.requests.flatMap((r) => r.toolResults.map((t) => t.output));
  expect(results).toHaveLength(calls.length);
  for (const output of results) {
    expect(output).not.toContain("root:x:0:0");
    expect(output).not.toContain("Lives in the sibling folder.");
  }
  // each propose_tool was refused by name: none was staged
  for (const output of results.slice(-6)) expect(output).toMatch(/tool names are|built-in tool/);
  expect(world()).toEqual(before);
});
