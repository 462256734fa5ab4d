import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { E2E } from "./support/constants";
import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * An MCP server end to end: added on Settings, its tools approved on Tools, one of them called by
 * the scripted model in a session. The server (e2e/support/mcp-test-server.mjs) runs in the
 * sandbox, which reads it from a folder the admin allowed (the app folder is never visible inside).
 */

const RUN = Date.now().toString(36);
const SERVER = `e2e-${RUN}`;
const folder = `${E2E.workspace}-mcp`;
const serverFile = path.join(folder, "mcp-test-server.mjs");

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  mkdirSync(folder, { recursive: true });
  copyFileSync("e2e/support/mcp-test-server.mjs", serverFile);
  const saved = await request.put("/api/settings", {
    headers: bearer,
    data: { sandboxAccess: { readPaths: [folder], envNames: [], privateNetworks: [] } },
  });
  expect(saved.status(), await saved.text()).toBe(200);
});

test.afterAll(async ({ request }) => {
  await request.delete(`/api/mcp-servers/${SERVER}`, { headers: bearer });
  await request.put("/api/settings", {
    headers: bearer,
    data: { sandboxAccess: { readPaths: [], envNames: [], privateNetworks: [] } },
  });
});

test("add a server on Settings, approve its tools on Tools, see a call in a session", async ({
  authed: page,
}) => {
  await page.goto("/settings");
  const form = page.getByRole("region", { name: "MCP servers" });
  await form.getByLabel("Server name").fill(SERVER);
  await form.getByLabel("Command").fill("node");
  await form.getByLabel("Arguments").fill(serverFile);
  await form.getByRole("button", { name: "Add MCP server" }).click();
  await expect(form.getByRole("status")).toContainText("tools wait for review on the Tools page");

  await page.goto("/tools");
  const server = page.getByTestId(`mcp-server-${SERVER}`);
  await expect(server).toContainText("needs approval");
  await expect(server.getByTestId("mcp-tool-echo")).toContainText("Echoes its text back.");
  await server.getByRole("button", { name: /Approve \d+ tools/ }).click();
  await expect(server).toContainText("active");

  await newSession(page, "mcp call");
  await send(page, `[[tool: ${SERVER}__echo {"text":"hello from the browser"}]]`);
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output: echo: hello from the browser");
  expect(await terminalText(page)).toContain(`▸ ${SERVER}__echo`);
});
