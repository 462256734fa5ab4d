/**
 * Rows 32–36 of the security suite (docs/security.md): logins are random server-side
 * sessions that end at logout, when a user is disabled or their token reset (open event streams
 * close with them); the one-time link works once, for 10 minutes; failed sign-ins are slowed with
 * 429 and Retry-After while a logged-in browser keeps working; one credential holds at most 16
 * event streams; every response carries a Content-Security-Policy, and every page runs under it in
 * Chromium without a violation. A private app server runs on SECURITY.appPort(8).
 */
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Page } from "@playwright/test";
import { E2E } from "../support/constants";
import { expect, terminalText, test } from "../support/fixtures";
import {
  auth,
  createSession,
  databaseSnapshot,
  httpRequest,
  queryDatabase,
  runTurn,
  type SecurityApp,
  startSecurityApp,
} from "../support/security";

const SKILL = "csp-check";
const OUTPUT = `hello-from-the-csp-run-${Date.now().toString(36)}`;

let sec: SecurityApp;
let sessionId = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sec = await startSecurityApp({
    name: "sessions",
    offset: 8,
    prepare: (dirs) => {
      mkdirSync(path.join(dirs.skills, SKILL));
      writeFileSync(
        path.join(dirs.skills, SKILL, "SKILL.md"),
        `---\nname: ${SKILL}\ndescription: A skill to open in the editor.\n---\nBody.\n`,
      );
    },
  });
  sessionId = await createSession(sec.api, "watched");
  // a command's output in the terminal, and telemetry to chart
  await runTurn(sec.api, sessionId, `[[cmd: echo ${OUTPUT}]]`);
});

test.afterAll(async () => {
  await sec?.stop();
});

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const cookieValue = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);

/** Logs in with a token through the API; the `ratchet_session=…` pair it set. */
async function login(token: string): Promise<string> {
  const res = await httpRequest(`${sec.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  expect(res.status, res.body).toBe(200);
  const pair = /^(ratchet_session=[^;]+)/.exec(String(res.headers["set-cookie"] ?? ""))?.[1];
  if (!pair) throw new Error(`no cookie: ${JSON.stringify(res.headers)}`);
  return pair;
}

const me = (headers: Record<string, string>) => httpRequest(`${sec.url}/api/users/me`, { headers });

const owner = {
  post: (route: string, body: unknown) =>
    httpRequest(`${sec.url}${route}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  patch: (route: string, body: unknown) =>
    httpRequest(`${sec.url}${route}`, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
};

async function createUser(name: string): Promise<{ id: string; token: string }> {
  const res = await owner.post("/api/users", { name, role: "member" });
  expect(res.status, res.body).toBe(201);
  const json = JSON.parse(res.body) as { user: { id: string }; token: string };
  return { id: json.user.id, token: json.token };
}

interface OpenStream {
  status: number;
  body: string;
  /** Resolves when the server ends the stream; endedAt is then its performance.now(). */
  ended: Promise<void>;
  endedAt(): number;
  open(): boolean;
  close(): void;
}

/** Opens a session's event stream and keeps it open until the server ends it or close() is called. */
function openStream(headers: Record<string, string>): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${sec.url}/api/sessions/${sessionId}/events?after=0`, { headers }, (res) => {
      let body = "";
      let isOpen = true;
      let endedAt = Number.NaN;
      res.setEncoding("utf8");
      const ended = new Promise<void>((done) => {
        res.on("close", () => {
          isOpen = false;
          endedAt = performance.now();
          done();
        });
      });
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      const stream: OpenStream = {
        status: res.statusCode ?? 0,
        get body() {
          return body;
        },
        ended,
        endedAt: () => endedAt,
        open: () => isOpen,
        close: () => req.destroy(),
      };
      if (res.statusCode !== 200) res.resume();
      resolve(stream);
    });
    req.on("error", reject);
  });
}

/** Waits for the server to end the stream, or fails after `ms`. */
async function endsWithin(stream: OpenStream, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    stream.ended,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`stream still open after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

test("row 32: a new random cookie at every login, stored only hashed, dead after logout; old HMAC cookies go to /login", async ({
  page,
}) => {
  const cookies = [await login(E2E.token), await login(E2E.token), await login(E2E.token)];
  expect(new Set(cookies).size).toBe(3);
  const oldOwnerCookie = createHmac("sha256", E2E.token).update("ratchet-cookie-v1").digest("base64url");
  for (const cookie of cookies) {
    expect(cookieValue(cookie)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookieValue(cookie)).not.toBe(oldOwnerCookie);
    expect((await me({ cookie })).status).toBe(200);
  }
  // the database holds each login's sha256, never the cookie itself
  const ids = queryDatabase<{ id: string }>(sec.dirs.data, 'SELECT id FROM "AuthSession"').map((r) => r.id);
  const everything = JSON.stringify(databaseSnapshot(sec.dirs.data));
  for (const cookie of cookies) {
    expect(ids).toContain(sha256(cookieValue(cookie)));
    expect(everything).not.toContain(cookieValue(cookie));
  }

  // logout ends that login only, at once
  const [first, second] = cookies as [string, string];
  const out = await httpRequest(`${sec.url}/api/auth/logout`, {
    method: "POST",
    headers: { cookie: first, origin: sec.url, "content-type": "application/json" },
    body: "{}",
  });
  expect(out.status).toBe(200);
  expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
  const dead = await me({ cookie: first });
  expect(dead.status).toBe(401);
  expect(JSON.parse(dead.body).error.message).toMatch(/Your login has ended/);
  expect((await me({ cookie: second })).status).toBe(200);

  // in the browser: log in with the form, log out with the button; a copy of the cookie is dead
  await page.goto(`${sec.url}/login`);
  await page.getByTestId("login-token").fill(E2E.token);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/sessions$/);
  const browserCookie = (await page.context().cookies()).find((c) => c.name === "ratchet_session");
  expect(browserCookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  expect((await me({ cookie: `ratchet_session=${browserCookie?.value}` })).status).toBe(401);
  await page
    .context()
    .addCookies([{ name: "ratchet_session", value: browserCookie?.value ?? "", url: sec.url }]);
  await page.goto(`${sec.url}/sessions`);
  await expect(page).toHaveURL(/\/login\?error=ended$/);
  await expect(page.getByTestId("login-ended")).toBeVisible();

  // cookies from before server-side sessions (a fixed HMAC of the token): 401, and pages go to /login
  const user = await createUser(`old-${Date.now().toString(36)}`);
  const oldUserMac = createHmac("sha256", E2E.token)
    .update(`ratchet-user-cookie-v1\0${user.id}\0${sha256(user.token)}`)
    .digest("base64url");
  for (const old of [oldOwnerCookie, `${user.id}.${oldUserMac}`]) {
    expect((await me({ cookie: `ratchet_session=${old}` })).status).toBe(401);
    const res = await httpRequest(`${sec.url}/sessions`, { headers: { cookie: `ratchet_session=${old}` } });
    const redirected =
      (res.status === 307 && String(res.headers.location).includes("/login?error=ended")) ||
      (res.body.includes("NEXT_REDIRECT") && res.body.includes("/login?error=ended"));
    expect(redirected, `${res.status} ${res.headers.location}`).toBe(true);
  }
});

test("row 35: disabling a user closes their open streams at once and their cookie and token stop working; a token reset too", async () => {
  const user = await createUser(`dis-${Date.now().toString(36)}`);
  const cookie = await login(user.token);
  const viaCookie = await openStream({ cookie });
  const viaToken = await openStream({ authorization: `Bearer ${user.token}` });
  const ownerStream = await openStream(auth);
  for (const stream of [viaCookie, viaToken, ownerStream]) expect(stream.status).toBe(200);
  await expect.poll(() => viaCookie.body).toContain("retry:");

  const disabledAt = performance.now();
  expect((await owner.patch(`/api/users/${user.id}`, { disabled: true })).status).toBe(200);
  await endsWithin(viaCookie, 5000);
  await endsWithin(viaToken, 5000);
  const took = [viaCookie.endedAt() - disabledAt, viaToken.endedAt() - disabledAt];
  expect(ownerStream.open()).toBe(true);
  expect((await me({ cookie })).status).toBe(401);
  expect((await me({ authorization: `Bearer ${user.token}` })).status).toBe(401);
  expect((await openStream({ cookie })).status).toBe(401);
  expect((await openStream({ authorization: `Bearer ${user.token}` })).status).toBe(401);

  // re-enabled: the token works again, the old login does not come back
  expect((await owner.patch(`/api/users/${user.id}`, { disabled: false })).status).toBe(200);
  expect((await me({ authorization: `Bearer ${user.token}` })).status).toBe(200);
  expect((await me({ cookie })).status).toBe(401);

  // a token reset closes the streams of the old token and of its logins
  const again = await openStream({ authorization: `Bearer ${user.token}` });
  const relogged = await openStream({ cookie: await login(user.token) });
  expect([again.status, relogged.status]).toEqual([200, 200]);
  const resetAt = performance.now();
  const reset = await owner.post(`/api/users/${user.id}/token`, {});
  expect(reset.status).toBe(200);
  await endsWithin(again, 5000);
  await endsWithin(relogged, 5000);
  took.push(again.endedAt() - resetAt, relogged.endedAt() - resetAt);
  expect((await me({ authorization: `Bearer ${user.token}` })).status).toBe(401);
  const fresh = (JSON.parse(reset.body) as { token: string }).token;
  expect((await me({ authorization: `Bearer ${fresh}` })).status).toBe(200);
  expect(ownerStream.open()).toBe(true);
  ownerStream.close();
  test.info().annotations.push({
    type: "figures",
    description: `streams closed ${took.map(Math.round).join(", ")} ms after the disable / reset request was sent`,
  });
});

test("row 33: the login link works once and not after 10 minutes; the start-up message says so and what next", async () => {
  const output = sec.app.output();
  expect(output).toMatch(/One-time login link: \S+ \(works once, for 10 minutes\)/);
  expect(output).toContain(`log in at ${sec.url}/login with the access token`);

  const first = await httpRequest(sec.app.loginLink);
  expect(first.status).toBe(303);
  expect(first.headers.location).toBe("/sessions");
  const cookie = /^(ratchet_session=[^;]+)/.exec(String(first.headers["set-cookie"]))?.[1] ?? "";
  expect((await me({ cookie })).status).toBe(200);
  const second = await httpRequest(sec.app.loginLink);
  expect(second.status).toBe(303);
  expect(second.headers.location).toBe("/login?error=expired");
  expect(second.headers["set-cookie"]).toBeUndefined();

  // the server keeps the code's hash and when it was issued; a code issued 10 min 1 s ago is refused,
  // one issued 9 minutes ago works (so it was the time that decided), and one without a time is refused
  const file = path.join(sec.dirs.data, "login-code");
  const tryCode = async (stored: (hash: string) => string) => {
    const code = `code-${Math.random().toString(36).slice(2)}`;
    writeFileSync(file, `${stored(sha256(code))}\n`, { mode: 0o600 });
    const res = await httpRequest(`${sec.url}/api/auth/login?code=${code}`);
    return res.headers.location;
  };
  expect(await tryCode((h) => `${h} ${Date.now() - 601_000}`)).toBe("/login?error=expired");
  expect(await tryCode((h) => `${h} ${Date.now() - 540_000}`)).toBe("/sessions");
  expect(await tryCode((h) => h)).toBe("/login?error=expired");
  expect(readdirSync(sec.dirs.data).filter((f) => f.startsWith("login-code"))).toEqual([]);
});

test("row 35: one credential holds at most 16 open event streams; the 17th gets 429; others and freed slots are not refused", async () => {
  const a = await login(E2E.token);
  const b = await login(E2E.token);
  const held: OpenStream[] = [];
  try {
    const attempts = await Promise.all(Array.from({ length: 40 }, () => openStream({ cookie: a })));
    held.push(...attempts);
    const accepted = attempts.filter((s) => s.status === 200);
    const refused = attempts.filter((s) => s.status === 429);
    expect([accepted.length, refused.length]).toEqual([16, 24]);
    await Promise.all(refused.map((s) => endsWithin(s, 5000)));
    for (const stream of refused) {
      expect(JSON.parse(stream.body).error.message).toMatch(/already has 16 open event streams/);
    }
    // another login and the bearer token have their own 16
    const other = await Promise.all(Array.from({ length: 16 }, () => openStream({ cookie: b })));
    const bearer = await Promise.all(Array.from({ length: 17 }, () => openStream(auth)));
    held.push(...other, ...bearer);
    expect(other.every((s) => s.status === 200)).toBe(true);
    expect(bearer.filter((s) => s.status === 200)).toHaveLength(16);
    // closing streams gives their slots back
    for (const stream of accepted.slice(0, 4)) stream.close();
    await expect
      .poll(async () => {
        const next = await openStream({ cookie: a });
        held.push(next);
        return next.status;
      })
      .toBe(200);
  } finally {
    for (const stream of held) stream.close();
  }
});

test("row 34: after 10 failed sign-ins every token attempt gets 429 + Retry-After, the right one too, while a logged-in browser keeps working", async ({
  page,
  browser,
}) => {
  await page.context().request.post(`${sec.url}/api/auth/login`, { data: { token: E2E.token } });
  await page.goto(`${sec.url}/sessions/${sessionId}`);
  await expect.poll(() => terminalText(page)).toContain(OUTPUT);

  // guesses as fast as they go, each claiming another client address
  const statuses: number[] = [];
  const started = performance.now();
  for (let i = 0; i < 60; i++) {
    const res = await httpRequest(`${sec.url}/api/sessions`, {
      headers: { authorization: `Bearer guess-${i}-${"g".repeat(32)}`, "x-forwarded-for": `198.51.100.${i}` },
    });
    statuses.push(res.status);
  }
  const seconds = (performance.now() - started) / 1000;
  // at most 10 checked (fewer if an earlier test left a failure in the last minute), then one more
  // per 6 s at most (the bucket refills while the guesses run); nothing but 401 and 429
  const locked = statuses.indexOf(429);
  expect(locked).toBeGreaterThan(0);
  expect(locked).toBeLessThanOrEqual(10);
  expect(statuses.slice(0, locked).every((s) => s === 401)).toBe(true);
  const checked = statuses.filter((s) => s === 401).length;
  expect(checked).toBeLessThanOrEqual(10 + Math.ceil(seconds / 6));
  expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);

  // no oracle: the right token, by header or by the login form's API, gets what a wrong one gets
  // (asked again if the bucket happened to refill between the three requests)
  const lockOut = async () => {
    for (let i = 0; i < 12; i++) {
      const res = await httpRequest(`${sec.url}/api/sessions`, {
        headers: { authorization: `Bearer again-${i}` },
      });
      if (res.status === 429) return;
    }
    throw new Error("no lockout after 12 more wrong tokens");
  };
  const seen = (r: Awaited<ReturnType<typeof httpRequest>>) => ({
    status: r.status,
    body: r.body.replace(/\d+ s\b/, "N s"),
    retry: Number(r.headers["retry-after"]) > 0,
    cookie: r.headers["set-cookie"] ?? null,
  });
  let answers: ReturnType<typeof seen>[] = [];
  let right: Awaited<ReturnType<typeof httpRequest>> | undefined;
  for (let round = 0; round < 3; round++) {
    await lockOut();
    right = await httpRequest(`${sec.url}/api/sessions`, { headers: auth });
    const rightLogin = await httpRequest(`${sec.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: E2E.token }),
    });
    const wrong = await httpRequest(`${sec.url}/api/sessions`, { headers: { authorization: "Bearer nope" } });
    answers = [seen(right), seen(rightLogin), seen(wrong)];
    if (answers.every((a) => a.status === 429)) break;
  }
  expect(answers[0]).toMatchObject({ status: 429, retry: true, cookie: null });
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);

  // the login form says so to a person who is not logged in, even with the right token (the bucket
  // is emptied again right before, as it refills one failure every 6 s)
  const stranger = await browser.newPage();
  await stranger.goto(`${sec.url}/login`);
  await stranger.getByTestId("login-token").fill(E2E.token);
  await lockOut();
  await stranger.getByTestId("login-submit").click();
  await expect(stranger.getByTestId("login-error")).toContainText("Too many failed sign-in attempts");
  await stranger.close();

  // the logged-in browser is not locked out: pages, API calls, the live event stream
  await page.reload();
  await expect.poll(() => terminalText(page)).toContain(OUTPUT);
  const live = `during-the-lockout-${Date.now().toString(36)}`;
  await page.getByTestId("composer").fill(`[[cmd: echo ${live}]]`);
  await page.getByTestId("send-button").click();
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain(live);

  // the one-time link is counted apart
  const code = await httpRequest(`${sec.url}/api/auth/login?code=not-a-code`);
  expect(code.status).toBe(303);

  // Retry-After is at most one refill (6 s), and the lockout passes by itself
  const wait = Number(right?.headers["retry-after"]);
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(6);
  await expect
    .poll(async () => (await httpRequest(`${sec.url}/api/sessions`, { headers: auth })).status, {
      timeout: 10_000,
    })
    .toBe(200);
  test.info().annotations.push({
    type: "figures",
    description: `60 guesses in ${seconds.toFixed(2)} s: ${checked} checked, ${60 - checked} refused unchecked; Retry-After ${wait} s`,
  });
});

test("row 36: a Content-Security-Policy on every page and API response, with a fresh nonce on every page", async () => {
  const cookie = await login(E2E.token);
  const targets: Array<[string, Record<string, string>, "page" | "api"]> = [
    ["/login", {}, "page"],
    ["/sessions", { cookie }, "page"],
    [`/sessions/${sessionId}`, { cookie }, "page"],
    ["/no-such-page", { cookie }, "page"],
    ["/sessions", {}, "page"],
    ["/api/health", {}, "api"],
    ["/api/sessions", {}, "api"],
    ["/api/sessions", auth, "api"],
    [`/api/sessions/${sessionId}/events?after=0`, auth, "api"],
    ["/api/auth/login?code=x", {}, "api"],
    ["/api/sessions", { ...auth, host: "evil.test" }, "api"],
    ["/sessions", { cookie, host: "evil.test" }, "page"],
  ];
  const nonces = new Set<string>();
  for (const [route, headers, kind] of targets) {
    const res = await httpRequest(`${sec.url}${route}`, { headers });
    const policy = String(res.headers["content-security-policy"] ?? "");
    const label = `${route} ${JSON.stringify(headers)} → ${res.status}`;
    for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) {
      expect(policy, label).toContain(directive);
    }
    expect(policy, label).not.toContain("unsafe-eval");
    expect(res.headers["x-frame-options"], label).toBe("DENY");
    if (kind === "api") {
      expect(policy, label).toContain("default-src 'none'");
      continue;
    }
    const scripts = /script-src ([^;]+)/.exec(policy)?.[1] ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scripts)?.[1] ?? "";
    expect(scripts.split(" ").sort(), label).toEqual(["'self'", `'nonce-${nonce}'`].sort());
    nonces.add(nonce);
    // every script tag of the page carries this request's nonce
    for (const tag of res.body.match(/<script\b[^>]*>/g) ?? [])
      expect(tag, label).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(targets.filter(([, , kind]) => kind === "page").length);
});

/** Every page route under app/, with a real session id for [id]. */
function pageRoutes(): string[] {
  const root = path.join(process.cwd(), "app");
  const routes: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "api") walk(full);
      else if (entry.name === "page.tsx") {
        const segments = path
          .relative(root, dir)
          .split(path.sep)
          .filter((s) => s && !/^\(.*\)$/.test(s))
          .map((s) => (s === "[id]" ? sessionId : s));
        routes.push(`/${segments.join("/")}`);
      }
    }
  };
  walk(root);
  return routes.sort();
}

/** What each page must show before it counts as working, beyond loading. */
async function exercise(page: Page, route: string): Promise<void> {
  if (route === `/sessions/${sessionId}`) await expect.poll(() => terminalText(page)).toContain(OUTPUT);
  if (route === "/skills") {
    // CodeMirror inserts its own <style> elements: the editor must open under the policy
    await page.goto(`${sec.url}/skills?name=${SKILL}`);
    await expect(page.getByTestId("skill-codemirror").locator(".cm-content")).toContainText("Body.");
  }
  if (route === "/telemetry") await expect(page.locator(".recharts-surface").first()).toBeVisible();
}

test("row 36: every page works in Chromium with no CSP violation and no console error; an injected script is blocked", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  const errors: string[] = [];
  await page.exposeBinding("__reportCsp", (source, text: string) => {
    violations.push(`${source.page.url()}: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCsp: (text: string) => void }).__reportCsp;
      report(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));

  const routes = pageRoutes();
  expect(routes).toEqual(expect.arrayContaining(["/", "/login", "/sessions", "/settings", "/skills"]));
  await page.goto(`${sec.url}/login`);
  await page.getByTestId("login-token").fill(E2E.token);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/sessions$/);
  const visited: string[] = [];
  for (const route of routes.filter((r) => r !== "/login")) {
    await page.goto(`${sec.url}${route}`);
    await page.waitForLoadState("load");
    await expect(page.locator("main").first()).toBeVisible();
    await exercise(page, route);
    visited.push(route);
  }
  // the 404 page renders too (its own 404 status is the one console error it may have)
  await page.goto(`${sec.url}/no-such-page`);
  await expect(page.getByText("Nothing here")).toBeVisible();
  const notFound = `${sec.url}/no-such-page: Failed to load resource: the server responded with a status of 404 (Not Found)`;
  expect(violations).toEqual([]);
  expect(errors.filter((e) => e !== notFound)).toEqual([]);

  // the policy is enforced: a script injected without the nonce does not run, and is reported
  await page.goto(`${sec.url}/sessions`);
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = true";
    document.body.append(script);
  });
  expect(
    await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
  ).toBeUndefined();
  await expect.poll(() => violations.join("\n")).toContain("script-src");
  test.info().annotations.push({ type: "pages", description: visited.join(", ") });
});
