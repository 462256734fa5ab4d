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
const HTTP_SERVER = `h-${RUN}`;
const SECRET = "Bearer e2e-header-secret-0123456789";
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
  await request.delete(`/api/mcp-servers/${HTTP_SERVER}`, { headers: bearer });
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
  // its prompts and its resource reading are reviewed with the tools
  await expect(server.getByTestId("mcp-prompt-review")).toContainText("prompt");
  await expect(server.getByTestId("mcp-prompt-review")).toContainText("Reviews a file.");
  await expect(server.getByTestId("mcp-resources-resources")).toContainText("reads resources");
  await server.getByRole("button", { name: /Approve \d+ tools/ }).click();
  await expect(server).toContainText("active");

  await newSession(page, "mcp call");
  await send(page, `[[tool: ${SERVER}__echo {"text":"hello from the browser"}]]`);
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output: echo: hello from the browser");
  expect(await terminalText(page)).toContain(`▸ ${SERVER}__echo`);
});

test("read a server's resource in a session, then see its calls in the server's health on Tools", async ({
  authed: page,
}) => {
  await newSession(page, "mcp resources");
  await send(page, `[[tool: mcp_resources {"server":"${SERVER}","action":"read","uri":"test://note"}]]`);
  await expect
    .poll(() => terminalText(page))
    .toContain(`Contents of resource test://note from MCP server ${SERVER}`);

  await page.goto("/tools");
  const server = page.getByTestId(`mcp-server-${SERVER}`);
  await server.getByText("Health and calls").click();
  const health = page.getByTestId(`mcp-health-${SERVER}`);
  await expect(health).toContainText("crashes 0");
  await expect(health.getByTestId("mcp-health-tool-echo").getByRole("cell").nth(1)).toHaveText("1");
  await expect(health.getByTestId("mcp-health-tool-mcp_resources").getByRole("cell").nth(1)).toHaveText("1");
  await expect(health.getByTestId("mcp-health-tool-hang").getByRole("cell").nth(5)).toHaveText("never");
});

test("HTTP headers on Settings: added as rows, stored values never shown, one replaced and one kept", async ({
  authed: page,
  request,
}) => {
  await page.goto("/settings");
  const form = page.getByRole("region", { name: "MCP servers" });
  await form.getByLabel("Server name").fill(HTTP_SERVER);
  await form.getByLabel("Transport").selectOption("http");
  // loopback is refused unless an admin allowed the URL: the server is stored with its error
  await form.getByLabel("URL").fill("http://127.0.0.1:9/mcp");
  await form.getByRole("button", { name: "Add header" }).click();
  await form.getByLabel("Header 1 name").fill("X Bad");
  await form.getByLabel("Header 1 value").fill(SECRET);
  await form.getByRole("button", { name: "Add MCP server" }).click();
  // the API's own rule, refused in the form: nothing was created
  await expect(form.getByRole("status")).toContainText("HTTP tokens");
  const none = await request.get("/api/mcp-servers", { headers: bearer });
  expect((await none.json()).map((s: { name: string }) => s.name)).not.toContain(HTTP_SERVER);

  await form.getByLabel("Header 1 name").fill("Authorization");
  await form.getByRole("button", { name: "Add header" }).click();
  await form.getByLabel("Header 2 name").fill("X-Team");
  await form.getByLabel("Header 2 value").fill("red");
  await form.getByRole("button", { name: "Add MCP server" }).click();
  await expect(form.getByRole("status").first()).toContainText(`Added ${HTTP_SERVER}`);
  const stored = form.getByTestId(`mcp-settings-${HTTP_SERVER}`);
  await expect(stored).toContainText("headers: Authorization, X-Team");
  expect(await page.content()).not.toContain("e2e-header-secret");

  await stored.getByRole("button", { name: `Edit headers of ${HTTP_SERVER}` }).click();
  await expect(stored.getByTestId("header-row-0")).toContainText("Authorization••••••••");
  await stored.getByRole("button", { name: "Replace the value of X-Team" }).click();
  await stored.getByLabel("New value of X-Team").fill("blue");
  await stored.getByRole("button", { name: "Add header" }).click();
  await stored.getByLabel("Header 3 name").fill("x-team");
  await stored.getByLabel("Header 3 value").fill("green");
  await stored.getByRole("button", { name: "Save headers" }).click();
  await expect(stored.getByRole("status")).toContainText("appears twice");
  await stored.getByRole("button", { name: "Remove header x-team", exact: true }).click();
  await stored.getByRole("button", { name: "Add header" }).click();
  await stored.getByLabel("Header 3 name").fill("X-Trace");
  await stored.getByLabel("Header 3 value").fill("on");
  await stored.getByRole("button", { name: "Save headers" }).click();
  await expect(stored).toContainText("headers: Authorization, X-Team, X-Trace");

  const listed = await request.get("/api/mcp-servers", { headers: bearer });
  const text = await listed.text();
  expect(text).not.toContain("e2e-header-secret");
  expect(text).not.toContain("blue");
  const view = (JSON.parse(text) as Array<{ name: string; headers?: string[] }>).find(
    (s) => s.name === HTTP_SERVER,
  );
  expect(view?.headers).toEqual(["Authorization", "X-Team", "X-Trace"]);
  expect(await page.content()).not.toContain("e2e-header-secret");
});
