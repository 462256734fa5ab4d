import { E2E } from "./support/constants";
import { expect, test } from "./support/fixtures";
import { rawRequest } from "./support/raw-http";

const url = (p: string) => `${E2E.baseUrl}${p}`;
const auth = { authorization: `Bearer ${E2E.token}` };

async function sessionCount(): Promise<number> {
  const res = await rawRequest(url("/api/sessions"), { headers: auth });
  return (JSON.parse(res.body) as { sessions: unknown[] }).sessions.length;
}

test("health needs no token; everything else does", async () => {
  expect((await rawRequest(url("/api/health"), {})).status).toBe(200);
  expect((await rawRequest(url("/api/sessions"), {})).status).toBe(401);
  expect(
    (await rawRequest(url("/api/sessions"), { headers: { authorization: "Bearer wrong-token" } })).status,
  ).toBe(401);
  expect((await rawRequest(url("/api/sessions/x/events?after=0"), {})).status).toBe(401);
  const before = await sessionCount();
  const denied = await rawRequest(url("/api/sessions"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(denied.status).toBe(401);
  expect(JSON.parse(denied.body)).toMatchObject({ error: { code: "unauthorized" } });
  expect(await sessionCount()).toBe(before);
});

test("a foreign Host is refused even with a valid token (DNS rebinding)", async () => {
  for (const path of ["/api/sessions", "/api/sessions/x/events", "/sessions", "/api/health"]) {
    const res = await rawRequest(url(path), { headers: { ...auth, host: `evil.test:${E2E.port}` } });
    expect(res.status, path).toBe(403);
  }
});

test("cross-origin and Origin-less cookie mutations are refused", async ({ authed: page }) => {
  const cookies = await page.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const before = await sessionCount();
  const attempts: Record<string, string | undefined>[] = [
    { origin: "http://evil.test" },
    { origin: "null" },
    {},
  ];
  for (const extra of attempts) {
    const headers: Record<string, string> = { cookie, "content-type": "text/plain" };
    if (extra.origin) headers.origin = extra.origin;
    const res = await rawRequest(url("/api/sessions"), { method: "POST", headers, body: '{"title":"csrf"}' });
    expect(res.status, JSON.stringify(extra)).toBe(403);
  }
  const sameOrigin = await rawRequest(url("/api/sessions"), {
    method: "POST",
    headers: { cookie, origin: E2E.baseUrl, "content-type": "application/json" },
    body: '{"title":"legit"}',
  });
  expect(sameOrigin.status).toBe(201);
  expect(await sessionCount()).toBe(before + 1);
});

test("pages send a visitor without a login to the login page", async ({ page }) => {
  await page.goto("/sessions");
  await expect(page).toHaveURL(/\/login/);
  await page.getByTestId("login-token").fill("wrong");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toBeVisible();
  await page.getByTestId("login-token").fill(E2E.token);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/sessions$/);
});

test("bad input gets a clear 4xx and changes nothing", async () => {
  const before = await sessionCount();
  const post = (body: string, type = "application/json") =>
    rawRequest(url("/api/sessions"), { method: "POST", headers: { ...auth, "content-type": type }, body });
  expect((await post("{not json")).status).toBe(400);
  expect((await post('{"workspace":"/definitely/not/here"}')).status).toBe(422);
  expect((await post(`{"title":${"[".repeat(100)}${"]".repeat(100)}}`)).status).toBe(400);
  expect((await post(JSON.stringify({ title: "x".repeat(2 * 1024 * 1024) }))).status).toBe(413);
  expect(await sessionCount()).toBe(before);
});
