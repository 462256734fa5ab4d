import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { E2E } from "./support/constants";
import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";
import { rawRequest } from "./support/raw-http";

const repoSkills = path.resolve(import.meta.dirname, "../skills");

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}`;
}

function skillFile(name: string): string {
  return path.join(E2E.skillsDir, name, "SKILL.md");
}

/** Replaces the editor's whole text the way a person would: select all, then type (paste). */
async function replaceEditorText(page: Page, text: string): Promise<void> {
  const content = page.getByTestId("skill-editor").locator(".cm-content");
  await content.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
  await expect.poll(() => page.evaluate(() => window.__ratchetSkillEditor?.state.doc.toString())).toBe(text);
}

test("create a skill in the editor, fix its front matter, save, and load_skill returns the new body", async ({
  authed: page,
  request,
}) => {
  const name = unique("e2e-deploy");
  await page.goto("/skills");
  await page.getByTestId("new-skill-button").click();
  await page.getByTestId("new-skill-name").fill(name);
  await page.getByTestId("new-skill-description").fill("How to deploy the e2e app.");
  await page.getByTestId("new-skill-submit").click();
  await page.waitForURL(new RegExp(`/skills\\?name=${name}$`));
  await expect(page.getByTestId("skill-title")).toHaveText(name);
  await expect(page.getByTestId(`skill-row-${name}`)).toBeVisible();
  expect(existsSync(skillFile(name))).toBe(true);

  const marker = `MARKER-${Date.now()}`;
  const broken = `---\nname: ${name}\ndescription: [unclosed\ntriggers: [ship it]\n---\n\n# Deploy\n\n${marker}: run the deploy script.\n`;
  await replaceEditorText(page, broken);
  await expect(page.getByTestId("skill-validation")).toContainText("Line 3");
  await expect(page.getByTestId("skill-validation")).toContainText("not valid YAML");
  await expect(page.getByTestId("skill-save")).toBeDisabled();
  await expect(page.getByTestId("skill-status")).toContainText("error on line 3");

  const fixed = broken.replace("description: [unclosed", "description: How to deploy the e2e app.");
  await replaceEditorText(page, fixed);
  await expect(page.getByTestId("skill-validation")).toHaveCount(0);
  await expect(page.getByTestId("skill-save")).toBeEnabled();
  await expect(page.getByTestId("skill-preview")).toContainText(`${marker}: run the deploy script.`);
  await expect(page.getByTestId("skill-preview")).toContainText("ship it");
  await page.keyboard.press("ControlOrMeta+s");
  await expect(page.getByTestId("skill-notice")).toContainText(`Saved ${name} as v2`);
  await expect(page.getByTestId("skill-status")).toHaveText("Saved");
  expect(readFileSync(skillFile(name), "utf8")).toBe(fixed);
  expect(existsSync(path.join(repoSkills, name))).toBe(false);

  // The next turn of a scripted session loads it and gets the new body.
  const sessionId = await newSession(page, "skills");
  await send(page, `[[tool: load_skill {"name":"${name}"}]]`);
  await expect.poll(() => terminalText(page)).toContain(`Ran it. Output: # Deploy`);
  await expect.poll(() => terminalText(page)).toContain(marker);
  const session = await (await request.get(`/api/sessions/${sessionId}`, { headers: bearer })).json();
  const parts = session.messages.flatMap(
    (m: { parts: { type: string; tool?: string; output?: string }[] }) => m.parts,
  );
  const load = parts.find((p: { tool?: string }) => p.tool === "load_skill");
  expect(load.output).toContain(`${marker}: run the deploy script.`);
  expect(load.output).not.toContain("description:");

  const list = await (await request.get("/api/skills", { headers: bearer })).json();
  expect(list.skills.find((s: { name: string }) => s.name === name)).toMatchObject({
    loads30d: 1,
    triggers: ["ship it"],
    valid: true,
  });
});

test("a version from the history can be restored", async ({ authed: page, request }) => {
  const name = unique("e2e-restore");
  const v1 = `---\nname: ${name}\ndescription: First version.\n---\n\nOriginal text.\n`;
  const v2 = `---\nname: ${name}\ndescription: Second version.\n---\n\nChanged text.\n`;
  expect(
    (await request.put(`/api/skills/${name}`, { headers: bearer, data: { content: v1 } })).status(),
  ).toBe(201);
  expect(
    (await request.put(`/api/skills/${name}`, { headers: bearer, data: { content: v2 } })).status(),
  ).toBe(200);

  await page.goto(`/skills?name=${name}`);
  await page.getByTestId("skill-history-toggle").click();
  await page.getByTestId("skill-version-1").click();
  await expect(page.getByTestId("skill-history-caption")).toContainText("Changes from v1 to the saved file");
  await expect(page.getByTestId("skill-version-diff")).toContainText("Original text.");
  await page.getByTestId("skill-restore-button").click();
  await page.getByTestId("skill-restore-confirm").click();
  await expect(page.getByTestId("skill-notice")).toContainText("Restored v1 as v3");
  await expect.poll(() => page.evaluate(() => window.__ratchetSkillEditor?.state.doc.toString())).toBe(v1);
  expect(readFileSync(skillFile(name), "utf8")).toBe(v1);
  const versions = await (await request.get(`/api/skills/${name}/versions`, { headers: bearer })).json();
  expect(
    versions.versions.map((v: { version: number; message: string | null }) => [v.version, v.message]),
  ).toEqual([
    [3, "Restored v1"],
    [2, null],
    [1, "Created"],
  ]);
});

test("saving over a file changed on disk shows both versions instead of overwriting", async ({
  authed: page,
  request,
}) => {
  const name = unique("e2e-conflict");
  const original = `---\nname: ${name}\ndescription: Original.\n---\n\nBody.\n`;
  await request.put(`/api/skills/${name}`, { headers: bearer, data: { content: original } });
  await page.goto(`/skills?name=${name}`);
  await expect(page.getByTestId("skill-title")).toHaveText(name);

  // Edit first, so the page's background check cannot reload the file under a clean editor.
  const mine = original.replace("Body.", "Edited in the browser.");
  await replaceEditorText(page, mine);
  const theirs = original.replace("Body.", "Edited on disk.");
  writeFileSync(skillFile(name), theirs);
  await page.getByTestId("skill-save").click();
  await expect(page.getByTestId("skill-conflict")).toContainText("changed on disk since you opened it");
  expect(readFileSync(skillFile(name), "utf8")).toBe(theirs);
  await page.getByTestId("conflict-keep-mine").click();
  await expect(page.getByTestId("skill-conflict")).toHaveCount(0);
  await expect(page.getByTestId("skill-notice")).toContainText("Saved");
  expect(readFileSync(skillFile(name), "utf8")).toBe(mine);
  // The disk edit was not lost: it is a version.
  const versions = await (await request.get(`/api/skills/${name}/versions`, { headers: bearer })).json();
  expect(versions.versions.map((v: { origin: string }) => v.origin)).toEqual(["user", "disk", "user"]);
});

test("rename and delete ask first and keep the history", async ({ authed: page, request }) => {
  const name = unique("e2e-old");
  const renamed = unique("e2e-new");
  await request.put(`/api/skills/${name}`, {
    headers: bearer,
    data: { content: `---\nname: ${name}\ndescription: To be renamed.\n---\n\nText.\n` },
  });
  await page.goto(`/skills?name=${name}`);
  await page.getByTestId("skill-rename-button").click();
  await page.getByTestId("rename-input").fill(renamed);
  await page.getByTestId("rename-submit").click();
  await page.waitForURL(new RegExp(`name=${renamed}$`));
  await expect(page.getByTestId("skill-title")).toHaveText(renamed);
  expect(readFileSync(skillFile(renamed), "utf8")).toContain(`name: ${renamed}`);

  await page.getByTestId("skill-delete-button").click();
  await expect(page.getByTestId("skill-delete")).toContainText(`Delete ${renamed}?`);
  await page.getByTestId("skill-delete-confirm").click();
  await page.waitForURL(/\/skills$/);
  await expect(page.getByTestId(`deleted-row-${renamed}`)).toBeVisible();
  expect(existsSync(path.join(E2E.skillsDir, renamed))).toBe(false);
  const versions = await (await request.get(`/api/skills/${renamed}/versions`, { headers: bearer })).json();
  expect(versions.versions.length).toBeGreaterThanOrEqual(2);
});

test("a traversal name is refused and nothing is written outside the skills folder", async ({ request }) => {
  const content = JSON.stringify({ content: "---\nname: evil\ndescription: Nope.\n---\n" });
  const headers = { ...bearer, "content-type": "application/json" };
  // Sent raw: a browser or fetch would normalize the dot segments away before the server saw them.
  // Next itself answers a bare dot segment with a redirect to the normalized path, so it never
  // reaches the route; every other encoding reaches it and is refused with a 400.
  for (const name of ["%2e%2e", ".%2e"]) {
    const put = await rawRequest(`${E2E.baseUrl}/api/skills/${name}`, {
      method: "PUT",
      headers,
      body: content,
    });
    expect([308, 400, 404], name).toContain(put.status);
  }
  for (const name of [
    "..%2F..%2Fetc",
    "%2e%2e%2Fetc",
    "%2Fetc%2Fpasswd",
    "Evil",
    "a%5Cb",
    "skills-evil%2F..%2Fx",
  ]) {
    const put = await rawRequest(`${E2E.baseUrl}/api/skills/${name}`, {
      method: "PUT",
      headers,
      body: content,
    });
    expect(put.status, name).toBe(400);
    expect(JSON.parse(put.body).error.message, name).toMatch(/not a valid skill name/);
    expect((await rawRequest(`${E2E.baseUrl}/api/skills/${name}`, { headers })).status, name).toBe(400);
    const restore = await rawRequest(`${E2E.baseUrl}/api/skills/${name}/restore`, {
      method: "POST",
      headers,
      body: JSON.stringify({ version: 1 }),
    });
    expect(restore.status, name).toBe(400);
  }
  const rename = await request.post("/api/skills/explore-codebase/rename", {
    headers: bearer,
    data: { to: "../escaped" },
  });
  expect(rename.status()).toBe(400);
  expect(existsSync(path.join(E2E.skillsDir, "..", "escaped"))).toBe(false);
  expect(existsSync(path.join(E2E.skillsDir, "..", "evil"))).toBe(false);
  expect(existsSync(path.join(E2E.skillsDir, "explore-codebase", "SKILL.md"))).toBe(true);
});
