import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { E2E } from "./support/constants";
import { bearer, expect, newSession, terminalText, test } from "./support/fixtures";

/**
 * A person inserts an MCP prompt: the test server (e2e/support/mcp-test-server.mjs, prompts
 * `review` with a required `file`, and `greet`) is approved, a session's composer offers its
 * prompts, the text is loaded from the server in the sandbox and put at the cursor, and what the
 * person sends is what the scripted model receives.
 */

const RUN = Date.now().toString(36);
const SERVER = `pr-${RUN}`;
const folder = `${E2E.workspace}-mcp-prompts`;
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
  const added = await request.post("/api/mcp-servers", {
    headers: bearer,
    data: { name: SERVER, transport: "stdio", command: "node", args: [serverFile] },
  });
  expect(added.status(), await added.text()).toBe(201);
  const { toolsSha256 } = (await added.json()) as { toolsSha256: string };
  const approved = await request.post(`/api/mcp-servers/${SERVER}/approve`, {
    headers: bearer,
    data: { toolsSha256 },
  });
  expect(approved.status(), await approved.text()).toBe(200);
});

test.afterAll(async ({ request }) => {
  await request.delete(`/api/mcp-servers/${SERVER}`, { headers: bearer });
  await request.put("/api/settings", {
    headers: bearer,
    data: { sandboxAccess: { readPaths: [], envNames: [], privateNetworks: [] } },
  });
});

test("insert an approved MCP prompt with an argument at the cursor, edit it, send it to the model", async ({
  authed: page,
  request,
}) => {
  const id = await newSession(page, "mcp prompt");
  const composer = page.getByTestId("composer");
  await composer.fill("Please do this: ");

  // Esc closes the dialog and gives the composer its focus back
  await page.getByTestId("mcp-prompts-button").click();
  const dialog = page.getByTestId("mcp-prompts-dialog");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(composer).toBeFocused();

  // keyboard only: the first option has the focus, Enter picks it, Back returns to the list
  await page.getByTestId("mcp-prompts-button").click();
  const options = dialog.getByTestId("mcp-prompt-option");
  await expect(options.first()).toBeFocused();
  await page.keyboard.press("Enter");
  await dialog.getByRole("button", { name: "Back" }).click();
  await expect(options.first()).toBeFocused();
  const review = options.filter({ hasText: "review" });
  await expect(review).toContainText(SERVER);
  await expect(review).toContainText("Reviews a file.");
  await expect(dialog.getByTestId("mcp-prompt-option").filter({ hasText: "greet" })).toBeVisible();
  await review.click();

  // the required argument left empty: the server's rule, named in the dialog; nothing inserted
  const file = dialog.getByLabel("file (required)");
  await expect(file).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByTestId("mcp-prompt-error")).toContainText("needs the argument(s) file");
  await expect(composer).toHaveValue("Please do this: ");

  await file.fill("src/app.ts");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(composer).toBeFocused();
  await expect(composer).toHaveValue(/^Please do this: MCP prompt review from server /);
  await expect(composer).toHaveValue(/\[user\] Review src\/app\.ts carefully\.$/);

  // the cursor is after the inserted text: the person goes on typing, then sends
  await page.keyboard.type(" Keep it short.");
  await expect(composer).toHaveValue(/carefully\. Keep it short\.$/);
  await page.getByTestId("send-button").click();
  await expect.poll(() => terminalText(page)).toContain("Review src/app.ts carefully. Keep it short.");

  await expect(page.getByTestId("session-status")).toHaveText("idle");

  // the model's request holds the person's message with the prompt's text
  const listed = await request.get(`/api/sessions/${id}/requests`, { headers: bearer });
  const { requests } = (await listed.json()) as { requests: Array<{ id: string }> };
  const first = await request.get(`/api/sessions/${id}/requests/${requests[0]?.id}`, { headers: bearer });
  const body = (await first.json()) as { messages: unknown };
  expect(JSON.stringify(body.messages)).toContain(`Please do this: MCP prompt review from server ${SERVER}`);
});
