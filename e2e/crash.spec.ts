import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { E2E } from "./support/constants";
import { expect, terminalText, test } from "./support/fixtures";
import { startServer } from "./support/server";

const PORT = 3101;
const dataDir = path.join(path.dirname(E2E.dataDir), "e2e-crash-data");
const auth = { authorization: `Bearer ${E2E.token}` };

function sleepers(): string[] {
  try {
    return execFileSync("pgrep", ["-f", "^sleep 601$"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
}

test.beforeAll(() => rmSync(dataDir, { recursive: true, force: true }));

test("kill -9 mid-turn, restart: session interrupted, transcript intact, no orphans, database intact", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  let server = await startServer({ port: PORT, dataDir });
  try {
    const created = await request.post(`${server.url}/api/sessions`, {
      headers: auth,
      data: { title: "crash" },
    });
    const { id } = (await created.json()) as { id: string };
    await request.post(`${server.url}/api/sessions/${id}/messages`, {
      headers: auth,
      data: { text: "[[cmd: echo before-the-crash; sleep 601]]" },
    });
    await expect.poll(() => sleepers().length).toBe(1);

    await server.crash();
    server = await startServer({ port: PORT, dataDir });
    expect(server.output()).toContain("1 session(s) marked interrupted");
    expect(sleepers()).toEqual([]);

    const session = await (await request.get(`${server.url}/api/sessions/${id}`, { headers: auth })).json();
    expect(session.status).toBe("interrupted");
    expect(session.messages[0].parts[0]).toMatchObject({
      type: "text",
      text: "[[cmd: echo before-the-crash; sleep 601]]",
    });
    expect(session.messages[1].parts[0]).toMatchObject({ type: "tool", tool: "run_command", state: "error" });

    // The one-time link logs a browser in, once.
    await page.goto(server.loginLink);
    await expect(page).toHaveURL(/\/sessions$/);
    await page.goto(`${server.url}/sessions/${id}`);
    await expect(page.getByTestId("session-status")).toHaveText("interrupted");
    await expect.poll(() => terminalText(page)).toContain("before-the-crash");
    await expect.poll(() => terminalText(page)).toContain("interrupted");

    const db = new Database(path.join(dataDir, "ratchet.db"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  } finally {
    await server.stop();
  }
});

test("the one-time login link works only once", async ({ page }) => {
  const server = await startServer({ port: PORT, dataDir });
  try {
    await page.goto(server.loginLink);
    await expect(page).toHaveURL(/\/sessions$/);
    // off the app first: signed out, its open page would redirect itself to /login and abort the goto
    await page.goto("about:blank");
    await page.context().clearCookies();
    await page.goto(server.loginLink);
    await expect(page).toHaveURL(/\/login/);
  } finally {
    await server.stop();
  }
});
