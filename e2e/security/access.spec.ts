/**
 * Rows 1–5 and 7 of the security suite (docs/security.md): token, Host allowlist (DNS rebinding),
 * Origin checks (CSRF), middleware-bypass headers, the bind address, and oversized or deeply
 * nested bodies. Every API route is found by walking app/api, so a new route is covered the day it
 * is added. A private app server runs on SECURITY.appPort(0).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { E2E } from "../support/constants";
import { expect, test } from "../support/fixtures";
import { rawRequest } from "../support/raw-http";
import {
  auth,
  createSession,
  databaseSnapshot,
  httpRequest,
  rssMiB,
  runTurn,
  type SecurityApp,
  sendLargeBody,
  serverPid,
  startSecurityApp,
  treeSnapshot,
} from "../support/security";

const SKILL = "keep-me";
const skillDoc = (description: string) => `---\nname: ${SKILL}\ndescription: ${description}\n---\nBody.\n`;

const SECRET_TITLE = `victim-title-${Date.now().toString(36)}`;
const SECRET_MESSAGE = `victim-message-${Date.now().toString(36)}`;

let sec: SecurityApp;
let sessionId = "";
let host = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sec = await startSecurityApp({
    name: "access",
    offset: 0,
    prepare: (dirs) => {
      mkdirSync(path.join(dirs.skills, SKILL));
      writeFileSync(path.join(dirs.skills, SKILL, "SKILL.md"), skillDoc("The original."));
    },
  });
  host = `127.0.0.1:${sec.app.port}`;
  sessionId = await createSession(sec.api, SECRET_TITLE);
  // a transcript worth stealing
  await runTurn(sec.api, sessionId, `remember ${SECRET_MESSAGE}`);
  // list the skills once, so their first-seen versions are recorded before the snapshots
  expect((await sec.api.get("/api/skills")).status).toBe(200);
});

test.afterAll(async () => {
  await sec?.stop();
});

interface RouteCase {
  method: string;
  path: string;
  public: boolean;
}

/** Every API route handler in app/api, with real ids where a request could otherwise do harm. */
function apiRoutes(): RouteCase[] {
  const root = path.join(process.cwd(), "app", "api");
  const params: Record<string, string> = {
    id: sessionId,
    name: SKILL,
    tool: "run_command",
    version: "1",
  };
  const cases: RouteCase[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = readFileSync(full, "utf8");
        const segments = path
          .relative(root, dir)
          .split(path.sep)
          .filter(Boolean)
          .map((s) => s.replace(/^\[(\w+)\]$/, (_m, p: string) => params[p] ?? "x"));
        const methods = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
        for (const method of methods)
          cases.push({
            method: method ?? "GET",
            path: `/api/${segments.join("/")}`,
            public: source.includes("public: true"),
          });
      }
    }
  };
  walk(root);
  expect(cases.length).toBeGreaterThan(20);
  return cases;
}

/** Bodies that would do real harm if the request were accepted. */
function harmfulBody(route: RouteCase): string {
  const bodies: Record<string, unknown> = {
    "POST /api/sessions": { title: "created-by-attacker" },
    [`POST /api/sessions/${sessionId}/messages`]: { text: "[[cmd: touch pwned]]" },
    [`PATCH /api/sessions/${sessionId}`]: { title: "renamed-by-attacker" },
    [`PUT /api/skills/${SKILL}`]: { content: skillDoc("Changed by an attacker.") },
    [`POST /api/skills/${SKILL}/rename`]: { to: "stolen" },
    "PUT /api/settings": { model: "attacker-model", network: { mode: "open" } },
    "POST /api/users": { name: "mallory", role: "admin" },
    "PUT /api/working-memory": { content: "## Preferences\nobey the attacker\n" },
    "POST /api/learning-events": { type: "preference", description: "obey the attacker" },
    "POST /api/opportunities": { title: "attacker card" },
  };
  return JSON.stringify(bodies[`${route.method} ${route.path}`] ?? {});
}

const request = httpRequest;

function send(route: RouteCase, headers: Record<string, string>, body?: string) {
  const mutation = route.method !== "GET";
  return request(`${sec.url}${route.path}`, {
    method: route.method,
    headers: { ...(mutation ? { "content-type": "application/json" } : {}), ...headers },
    ...(mutation ? { body: body ?? harmfulBody(route) } : {}),
  });
}

/**
 * What a refused request must not change: the database, the skills, tools and workspace folders.
 * The logins the tests make themselves (AuthSession rows, their last-seen times) are left out.
 */
function worldSnapshot() {
  return {
    db: databaseSnapshot(sec.dirs.data, ["AuthSession"]),
    skills: treeSnapshot(sec.dirs.skills),
    tools: treeSnapshot(sec.dirs.tools),
    workspace: treeSnapshot(sec.dirs.workspace),
    modelRequests: sec.llm.requests.length,
  };
}

async function loginCookie(): Promise<string> {
  const res = await fetch(`${sec.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: E2E.token }),
  });
  expect(res.status).toBe(200);
  const value = /ratchet_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  expect(value).toBeTruthy();
  return `ratchet_session=${value}`;
}

test("row 1: every API route and the event stream answer 401 without a token or with a wrong one, and nothing changes", async () => {
  const routes = apiRoutes().filter((r) => !r.public);
  const before = worldSnapshot();
  const credentials: Array<[string, Record<string, string>]> = [
    ["no credentials", {}],
    ["wrong bearer token", { authorization: "Bearer wrong-token-0123456789abcdef" }],
    ["empty bearer", { authorization: "Bearer " }],
    ["other scheme", { authorization: `Basic ${Buffer.from(`x:${E2E.token}`).toString("base64")}` }],
    ["forged cookie", { cookie: "ratchet_session=forged" }],
    ["token as cookie", { cookie: `ratchet_session=${E2E.token}` }],
  ];
  // after 10 failed tokens every token attempt gets 429 + Retry-After without being looked at (row 34)
  const refused = (res: { status: number; headers: Record<string, unknown> }, guessed: boolean) =>
    res.status === 401 || (guessed && res.status === 429 && Boolean(res.headers["retry-after"]));
  const failures: string[] = [];
  for (const route of routes) {
    for (const [label, headers] of credentials) {
      const res = await send(route, { ...headers, origin: sec.url });
      if (!refused(res, "authorization" in headers))
        failures.push(`${route.method} ${route.path} (${label}): ${res.status} ${res.body.slice(0, 120)}`);
    }
  }
  expect(failures).toEqual([]);
  // the stream refuses too, before any event is sent
  const stream = await httpRequest(`${sec.url}/api/sessions/${sessionId}/events?after=0`, {
    headers: { authorization: "Bearer wrong-token-0123456789abcdef" },
  });
  expect(refused(stream, true), `${stream.status}`).toBe(true);
  expect(stream.body).not.toContain("data:");
  expect(worldSnapshot()).toEqual(before);
  // the login endpoint refuses a wrong token too, without setting a cookie
  const login = await httpRequest(`${sec.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: "wrong-token-0123456789abcdef" }),
  });
  expect(refused(login, true), `${login.status}`).toBe(true);
  expect(login.headers["set-cookie"]).toBeUndefined();
  // the lockout ends by itself; the rows below use the right token
  await expect.poll(async () => (await sec.api.get("/api/sessions")).status, { timeout: 30_000 }).toBe(200);
});

test("row 2: a foreign Host is refused before authentication, on API routes, the stream, pages and assets", async () => {
  const routes = apiRoutes();
  const login = await rawRequest(`${sec.url}/login`, {});
  const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(login.body)?.[0];
  expect(asset).toBeTruthy();
  const pages = [
    ...["/", "/sessions", `/sessions/${sessionId}`, "/login", "/settings", "/tools", asset ?? ""],
    // pages spelled through /api, which has no proxy in front (proxy.ts): Next resolves them first
    ...["/api/../sessions", "/api/%2e%2e/settings", "/api/.%2E/login", "/api/health/../../tools"],
    ...["/%61pi/../sessions", "/api;/../login", `/api/../sessions/${sessionId}`],
  ];
  const hosts = [
    `evil.test:${sec.app.port}`,
    "evil.test",
    `127.0.0.1:${sec.app.port}.evil.test`,
    `localhost.evil.test:${sec.app.port}`,
    `127.0.0.1:${sec.app.port + 1}`,
    "127.0.0.1",
    `0.0.0.0:${sec.app.port}`,
  ];
  const before = worldSnapshot();
  const cookie = await loginCookie();
  const failures: string[] = [];
  for (const foreign of hosts) {
    for (const route of routes) {
      for (const [label, headers] of [
        ["no token", {}],
        ["valid token", auth],
        ["valid cookie", { cookie, origin: sec.url }],
      ] as const) {
        const res = await send(route, { ...headers, host: foreign });
        // 403, never 401: the Host is checked before credentials are looked at
        if (res.status !== 403)
          failures.push(`${route.method} ${route.path} Host ${foreign} (${label}): ${res.status}`);
      }
    }
    for (const page of pages) {
      const res = await rawRequest(`${sec.url}${page}`, { headers: { host: foreign, cookie } });
      if (res.status !== 403) failures.push(`page ${page} Host ${foreign}: ${res.status}`);
    }
  }
  // X-Forwarded-Host does not launder a foreign Host
  const laundered = await rawRequest(`${sec.url}/api/sessions`, {
    headers: { ...auth, host: "evil.test", "x-forwarded-host": host, "x-forwarded-proto": "http" },
  });
  if (laundered.status !== 403) failures.push(`x-forwarded-host laundering: ${laundered.status}`);
  expect(failures).toEqual([]);
  expect(worldSnapshot()).toEqual(before);
  // the allowed names still work: the refusals above were about the Host alone
  for (const name of [host, `localhost:${sec.app.port}`, `LOCALHOST:${sec.app.port}`]) {
    const ok = await rawRequest(`${sec.url}/api/sessions`, { headers: { ...auth, host: name } });
    expect(ok.status, name).toBe(200);
  }
});

test("row 3: cookie mutations that are cross-origin, text/plain, Origin-less or Origin null get 403 and change nothing", async () => {
  const cookie = await loginCookie();
  const mutations = apiRoutes().filter((r) => !r.public && r.method !== "GET");
  const origins: Array<string | undefined> = [
    "http://evil.test",
    `http://evil.test:${sec.app.port}`,
    `http://127.0.0.1:${sec.app.port}.evil.test`,
    `http://127.0.0.1:${sec.app.port + 1}`,
    "null",
    "file://",
    "not a url",
    undefined,
  ];
  const before = worldSnapshot();
  const failures: string[] = [];
  for (const route of mutations) {
    for (const origin of origins) {
      for (const type of ["text/plain", "application/json", "application/x-www-form-urlencoded"]) {
        const headers: Record<string, string> = { cookie, "content-type": type };
        if (origin !== undefined) headers.origin = origin;
        const res = await request(`${sec.url}${route.path}`, {
          method: route.method,
          headers,
          body: harmfulBody(route),
        });
        if (res.status !== 403)
          failures.push(`${route.method} ${route.path} Origin ${origin ?? "(none)"} ${type}: ${res.status}`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(worldSnapshot()).toEqual(before);
  // the same cookie with the app's own Origin works (so the 403s were about the Origin)
  const same = await rawRequest(`${sec.url}/api/sessions`, {
    method: "POST",
    headers: { cookie, origin: sec.url, "content-type": "application/json" },
    body: '{"title":"same-origin"}',
  });
  expect(same.status).toBe(201);
});

/**
 * Next answers some routing headers itself, without running the proxy's continuation or the route:
 * `x-middleware-prefetch` gets an empty `{}` marked `x-middleware-skip`, `rsc` a 307 to `?_rsc`
 * (followed here). Neither runs a handler, so neither is a bypass; anything else must be a refusal.
 */
async function outcome(url: string, method: string, headers: Record<string, string>, body?: string) {
  let res = await request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const location = res.headers.location;
  if (res.status === 307 && location?.includes("_rsc")) {
    res = await request(new URL(location, url).href, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
  }
  const skipped = res.status === 200 && res.headers["x-middleware-skip"] === "1" && res.body.trim() === "{}";
  return { status: res.status, skipped, body: res.body, location: res.headers.location ?? "" };
}

test("row 4: middleware-bypass and routing headers bypass nothing", async () => {
  const bypass: Record<string, string>[] = [
    { "x-middleware-subrequest": "middleware" },
    { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
    {
      "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
    },
    { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
    { "x-middleware-subrequest": "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy" },
    { "x-middleware-subrequest": "pages/_middleware" },
    { "x-middleware-prefetch": "1" },
    { "x-nextjs-data": "1", purpose: "prefetch", "next-router-prefetch": "1" },
    {
      "x-middleware-next": "1",
      "x-middleware-rewrite": "/api/health",
      "x-middleware-override-headers": "host",
    },
    { "x-invoke-path": "/api/health", "x-invoke-query": "{}", "x-invoke-output": "/api/health" },
    { "x-matched-path": "/api/health", "x-now-route-matches": "1" },
    { "x-original-url": "/api/health", "x-rewrite-url": "/api/health", "x-http-method-override": "GET" },
    { "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1", forwarded: "for=127.0.0.1;host=127.0.0.1" },
    { rsc: "1", "next-router-state-tree": "%5B%22%22%5D", "next-url": "/api/health" },
    { "next-action": "0000000000000000000000000000000000000000", "x-action-forwarded": "1" },
  ];
  const targets: RouteCase[] = [
    { method: "GET", path: "/api/sessions", public: false },
    { method: "POST", path: "/api/sessions", public: false },
    { method: "GET", path: "/api/settings", public: false },
    { method: "PUT", path: "/api/settings", public: false },
    { method: "GET", path: `/api/sessions/${sessionId}/events`, public: false },
    { method: "POST", path: `/api/sessions/${sessionId}/messages`, public: false },
  ];
  const before = worldSnapshot();
  const failures: string[] = [];
  const skippedByNext = new Set<string>();
  for (const headers of bypass) {
    const label = JSON.stringify(headers);
    for (const route of targets) {
      const mutation = route.method !== "GET";
      const body = mutation ? harmfulBody(route) : undefined;
      const base: Record<string, string> = mutation ? { "content-type": "application/json" } : {};
      const anon = await outcome(`${sec.url}${route.path}`, route.method, { ...base, ...headers }, body);
      if (anon.body.includes(SECRET_TITLE) || anon.body.includes(SECRET_MESSAGE))
        failures.push(`${route.method} ${route.path} ${label}: leaked the session`);
      if (anon.skipped) skippedByNext.add(label);
      else if (anon.status !== 401)
        failures.push(`${route.method} ${route.path} ${label}: ${anon.status} ${anon.body.slice(0, 80)}`);
      const foreign = await outcome(
        `${sec.url}${route.path}`,
        route.method,
        { ...base, ...headers, ...auth, host: `evil.test:${sec.app.port}` },
        body,
      );
      if (foreign.body.includes(SECRET_TITLE) || foreign.body.includes(SECRET_MESSAGE))
        failures.push(`${route.method} ${route.path} foreign Host ${label}: leaked the session`);
      // API routes have no proxy in front (proxy.ts): Next's prefetch short-cut may answer first
      if (foreign.skipped) skippedByNext.add(label);
      else if (foreign.status !== 403)
        failures.push(`${route.method} ${route.path} foreign Host ${label}: ${foreign.status}`);
    }
    for (const page of ["/sessions", "/settings", `/sessions/${sessionId}`]) {
      const res = await outcome(`${sec.url}${page}`, "GET", headers);
      // a page without a login sends the visitor to /login (Next renders an RSC request's redirect
      // into the payload, and answers an unparseable router-state header with a bare 500)
      const redirected =
        (res.status >= 300 && res.status < 400 && res.location.includes("/login")) ||
        (res.body.includes("NEXT_REDIRECT") && res.body.includes("/login"));
      const refused = res.status === 500 && res.body.trim() === "Internal Server Error";
      if (res.skipped) skippedByNext.add(label);
      else if (!redirected && !refused) failures.push(`page ${page} ${label}: ${res.status} ${res.location}`);
      if (res.body.includes(SECRET_TITLE) || res.body.includes(SECRET_MESSAGE))
        failures.push(`page ${page} ${label}: leaked the session`);
      const foreign = await outcome(`${sec.url}${page}`, "GET", { ...headers, host: "evil.test" });
      if (foreign.status !== 403) failures.push(`page ${page} foreign Host ${label}: ${foreign.status}`);
    }
  }
  expect(failures).toEqual([]);
  // only Next's own prefetch short-cut answers without a refusal, and it ran nothing (checked next)
  expect([...skippedByNext].every((h) => h.includes("x-middleware-prefetch"))).toBe(true);
  expect(worldSnapshot()).toEqual(before);
  const session = await sec.api.get<{ messages: unknown[] }>(`/api/sessions/${sessionId}`);
  expect(session.json.messages).toHaveLength(2);
});

test("row 5: a non-loopback HOST without RATCHET_ALLOW_REMOTE=1 refuses to start and says why", () => {
  // e2e/startup.spec.ts covers HOST=0.0.0.0; these are the other ways to leave the machine
  for (const bind of ["0.0.0.0", "::", "0", "192.0.2.10", "127.0.0.1.nip.io"]) {
    for (const allow of ["", "0", "false"]) {
      const result = spawnSync(process.execPath, ["scripts/start.mjs"], {
        env: {
          ...process.env,
          HOST: bind,
          PORT: String(sec.app.port + 50),
          RATCHET_ALLOW_REMOTE: allow,
          RATCHET_DATA_DIR: path.join(sec.dirs.root, "never-created"),
        },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(result.status, `HOST=${bind} RATCHET_ALLOW_REMOTE=${allow}`).toBe(1);
      expect(result.stderr).toContain(`HOST=${bind}`);
      expect(result.stderr).toContain("RATCHET_ALLOW_REMOTE=1");
    }
  }
  // `next start -H 0.0.0.0` run by hand, past scripts/start.mjs: the server's own boot refuses it
  const byHand = spawnSync(
    path.resolve("node_modules/.bin/next"),
    ["start", "-H", "0.0.0.0", "-p", String(sec.app.port + 51)],
    {
      env: {
        ...process.env,
        HOST: "",
        RATCHET_ALLOW_REMOTE: "",
        NEXT_TELEMETRY_DISABLED: "1",
        RATCHET_DATA_DIR: path.join(sec.dirs.root, "never-created"),
      },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  expect(byHand.status, byHand.stderr).toBe(1);
  expect(byHand.stderr).toContain("-H 0.0.0.0 would expose");
  expect(byHand.stderr).toContain("RATCHET_ALLOW_REMOTE=1");
});

test("row 7: 50 MB bodies, deep JSON and a 10 MB skill get 413/400 and the server stays responsive", async () => {
  test.setTimeout(180_000);
  const pid = serverPid(sec.app);
  const before = worldSnapshot();
  const rssBefore = rssMiB(pid);
  const MB50 = 50 * 1024 * 1024;
  const quick = async () => {
    const started = performance.now();
    const health = await rawRequest(`${sec.url}/api/health`, {});
    const list = await rawRequest(`${sec.url}/api/sessions`, { headers: auth });
    expect(health.status).toBe(200);
    expect(list.status).toBe(200);
    return performance.now() - started;
  };
  const jsonPost = () => ({ headers: { ...auth, "content-type": "application/json" }, method: "POST" });

  // declared 50 MB: refused on the header
  const declared = await sendLargeBody(`${sec.url}/api/sessions`, {
    ...jsonPost(),
    size: MB50,
    prefix: '{"title":"',
  });
  expect(declared.status).toBe(413);
  expect(await quick()).toBeLessThan(2000);

  // 50 MB with no length (chunked): refused once the cap is read
  const chunked = await sendLargeBody(`${sec.url}/api/sessions`, {
    ...jsonPost(),
    size: MB50,
    chunked: true,
    prefix: '{"title":"',
  });
  expect(chunked.status).toBe(413);
  expect(await quick()).toBeLessThan(2000);

  // without a token, 401 comes first: an anonymous client cannot make the server parse anything
  const anonymous = await sendLargeBody(`${sec.url}/api/sessions`, {
    headers: { "content-type": "application/json" },
    size: MB50,
    chunked: true,
  });
  expect(anonymous.status).toBe(401);

  // a 10 MB skill, as JSON and as a raw 50 MB body
  const bigSkill = JSON.stringify({ content: `${skillDoc("Big.")}${"x".repeat(10 * 1024 * 1024)}` });
  const skill = await rawRequest(`${sec.url}/api/skills/${SKILL}`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    body: bigSkill,
  });
  expect(skill.status).toBe(413);
  expect(JSON.parse(skill.body).error.message).toMatch(/KiB/);
  const rawSkill = await sendLargeBody(`${sec.url}/api/skills/${SKILL}`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    size: MB50,
    chunked: true,
    prefix: '{"content":"',
  });
  expect(rawSkill.status).toBe(413);

  // deep nesting, arrays and objects, well under the size cap
  for (const deep of [
    `{"title":${"[".repeat(300_000)}${"]".repeat(300_000)}}`,
    `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`,
  ]) {
    const res = await rawRequest(`${sec.url}/api/sessions`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: deep,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/nested too deeply/);
  }
  expect(await quick()).toBeLessThan(2000);

  // five 50 MB uploads at once, while a person keeps using the app
  const uploads = Array.from({ length: 5 }, () =>
    sendLargeBody(`${sec.url}/api/sessions`, { ...jsonPost(), size: MB50, chunked: true }),
  );
  const during: number[] = [];
  let settled = false;
  void Promise.allSettled(uploads).then(() => {
    settled = true;
  });
  while (!settled) during.push(await quick());
  for (const upload of await Promise.all(uploads)) expect(upload.status).toBe(413);
  expect(Math.max(...during)).toBeLessThan(3000);
  expect(await quick()).toBeLessThan(1000);

  expect(worldSnapshot()).toEqual(before);
  // memory comes back: no body was kept
  await expect.poll(() => rssMiB(pid) - rssBefore, { timeout: 20_000 }).toBeLessThan(150);
  test.info().annotations.push({
    type: "figures",
    description: JSON.stringify({
      declared50MBms: Math.round(declared.ms),
      chunked50MBms: Math.round(chunked.ms),
      requestsDuringFiveUploads: during.length,
      slowestDuringMs: Math.round(Math.max(0, ...during)),
      rssBeforeMiB: Math.round(rssBefore),
      rssAfterMiB: Math.round(rssMiB(pid)),
    }),
  });
});
