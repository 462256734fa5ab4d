import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { E2E } from "./support/constants";
import { expect, terminalText, test } from "./support/fixtures";

/** A git repository (in the e2e workspace root unless told), made as a person would, with one uncommitted change. */
function dirtyRepo(parent = E2E.workspace): { folder: string; name: string } {
  mkdirSync(parent, { recursive: true });
  const folder = mkdtempSync(path.join(parent, "repo-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      cwd: folder,
      stdio: "ignore",
    });
  git("init", "-q", "-b", "trunk");
  writeFileSync(path.join(folder, "README.md"), "hello\n");
  git("add", "-A");
  git("commit", "-q", "-m", "first");
  writeFileSync(path.join(folder, "notes.txt"), "uncommitted\n");
  return { folder, name: path.basename(folder) };
}

async function openBrowser(page: Page) {
  await page.getByTestId("new-session-browse").click();
  const dialog = page.getByTestId("folder-browser");
  await expect(dialog).toBeVisible();
  return dialog;
}

test("a session starts from a task typed in the first field, in a folder picked in the browser", async ({
  authed: page,
}) => {
  // in a folder of its own: a listing works out the git state of its first 24 repositories only,
  // and the e2e workspace root holds many by the time this runs
  mkdirSync(E2E.workspace, { recursive: true });
  const parent = mkdtempSync(path.join(E2E.workspace, "pick-"));
  const repo = dirtyRepo(parent);
  await page.goto("/sessions");
  // the task is the form's first field
  const first = page.getByRole("form", { name: "New session" }).locator("input, textarea").first();
  await expect(first).toHaveAttribute("data-testid", "new-session-task");
  await first.fill("Summarise the README for a newcomer\nKeep it short.");

  const dialog = await openBrowser(page);
  await dialog.getByTestId("folder-entry").first().click();
  await expect(dialog.getByTestId("folder-current")).toHaveText(E2E.workspace);
  await dialog.locator(`[data-testid="folder-entry"][data-name="${path.basename(parent)}"]`).click();
  await expect(dialog.getByTestId("folder-current")).toHaveText(parent);
  const entry = dialog.locator(`[data-testid="folder-entry"][data-name="${repo.name}"]`);
  await expect(entry.getByTestId("folder-git")).toContainText("trunk");
  await expect(entry.getByTestId("folder-git-state")).toHaveText("1 changed");
  await entry.click();
  await expect(dialog.getByTestId("folder-current")).toHaveText(repo.folder);
  await dialog.getByTestId("folder-use").click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("new-session-workspace")).toHaveValue(repo.folder);

  await page.getByTestId("new-session-submit").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Summarise the README for a newcomer");
  await expect(page.getByTestId("session-workspace")).toHaveText(repo.folder);
  // the task went to the agent as the first message, without anyone pressing Send
  await expect.poll(() => terminalText(page)).toContain("Echo: Summarise the README for a newcomer");
  await expect(page.getByTestId("empty-session-howto")).toHaveCount(0);

  // the derived title can be changed later
  await page.getByTestId("session-rename").click();
  await page.getByTestId("session-title-input").fill("README summary");
  await page.getByTestId("session-title-save").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("README summary");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("README summary");
});

test("the folder browser creates a folder, goes up no further than a root, and refuses a path outside", async ({
  authed: page,
}) => {
  mkdirSync(E2E.workspace, { recursive: true });
  await page.goto("/sessions");
  const dialog = await openBrowser(page);
  await dialog.getByTestId("folder-entry").first().click();
  const name = `made-${Date.now()}`;
  await dialog.getByTestId("new-folder-name").fill(name);
  await dialog.getByTestId("new-folder-create").click();
  await expect(dialog.getByTestId("folder-current")).toHaveText(path.join(E2E.workspace, name));
  expect(existsSync(path.join(E2E.workspace, name))).toBe(true);
  await dialog.getByTestId("folder-up").click();
  await expect(dialog.getByTestId("folder-current")).toHaveText(E2E.workspace);
  // a root's parent is not offered: up goes back to the list of roots
  await dialog.getByTestId("folder-up").click();
  await expect(dialog.getByTestId("folder-current")).toHaveText("Workspace roots");

  for (const outside of ["/etc", `${E2E.workspace}/..`, path.dirname(E2E.workspace), "~"]) {
    const response = await page.request.get(`/api/workspaces/folders?path=${encodeURIComponent(outside)}`);
    expect(response.status(), outside).toBe(400);
  }
});

test("an empty session shows a short how-to until the first message", async ({ authed: page }) => {
  await page.goto("/sessions");
  await page.getByTestId("new-session-title").fill("how-to");
  await page.getByTestId("new-session-submit").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  await expect(page.getByTestId("empty-session-howto")).toContainText("Tell the agent what to do");
  await page.getByTestId("composer").fill("hello there");
  await page.getByTestId("send-button").click();
  await expect(page.getByTestId("empty-session-howto")).toHaveCount(0);
  await expect.poll(() => terminalText(page)).toContain("Echo: hello there");
});

test("a worktree session works on a new branch and leaves the main checkout untouched", async ({
  authed: page,
}) => {
  const repo = dirtyRepo();
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" });
  const before = {
    status: git(repo.folder, "status", "--porcelain"),
    branch: git(repo.folder, "branch", "--show-current"),
    readme: readFileSync(path.join(repo.folder, "README.md"), "utf8"),
    files: readdirSync(repo.folder).sort(),
  };
  await page.goto("/sessions");
  await page
    .getByTestId("new-session-task")
    .fill("[[cmd: echo changed-by-agent > README.md && echo new > added.txt]]");
  await page.getByTestId("new-session-workspace").fill(repo.folder);
  await page.getByTestId("new-session-worktree").check();
  await page.getByTestId("new-session-branch").fill("agent/e2e-change");
  await page.getByTestId("new-session-submit").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  await expect(page.getByTestId("session-worktree")).toContainText("worktree on agent/e2e-change");
  await expect(page.getByTestId("session-worktree")).toContainText(repo.folder);
  await expect.poll(() => terminalText(page)).toContain("Ran it.");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  const worktree = (await page.getByTestId("session-workspace").textContent()) ?? "";
  expect(worktree).toBe(path.join(E2E.workspace, ".ratchet-worktrees", `${repo.name}--agent-e2e-change`));
  expect(readFileSync(path.join(worktree, "README.md"), "utf8")).toBe("changed-by-agent\n");
  expect(readFileSync(path.join(worktree, "added.txt"), "utf8")).toBe("new\n");
  expect(git(worktree, "branch", "--show-current").trim()).toBe("agent/e2e-change");

  expect(git(repo.folder, "status", "--porcelain")).toBe(before.status);
  expect(git(repo.folder, "branch", "--show-current")).toBe(before.branch);
  expect(readFileSync(path.join(repo.folder, "README.md"), "utf8")).toBe(before.readme);
  expect(readdirSync(repo.folder).sort()).toEqual(before.files);
});

test("the agent commits with git in a worktree session and the branch reaches the main repository", async ({
  authed: page,
}) => {
  const repo = dirtyRepo();
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" });
  const before = {
    status: git(repo.folder, "status", "--porcelain"),
    trunk: git(repo.folder, "rev-parse", "trunk"),
    readme: readFileSync(path.join(repo.folder, "README.md"), "utf8"),
    files: readdirSync(repo.folder).sort(),
    config: readFileSync(path.join(repo.folder, ".git", "config"), "utf8"),
  };
  await page.goto("/sessions");
  await page
    .getByTestId("new-session-task")
    .fill(
      "[[cmd: echo committed-by-agent > README.md && echo new > added.txt && git add -A && git -c user.name=Agent -c user.email=agent@example.invalid commit -q -m 'the agent commits' && git log --format=%s]]",
    );
  await page.getByTestId("new-session-workspace").fill(repo.folder);
  await page.getByTestId("new-session-worktree").check();
  await page.getByTestId("new-session-branch").fill("agent/e2e-commit");
  await page.getByTestId("new-session-submit").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  await expect.poll(() => terminalText(page)).toContain("Ran it.");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  expect(await terminalText(page)).not.toContain("was not brought back");

  // brought back by the server at the end of the turn: the branch, and nothing else
  expect(git(repo.folder, "log", "--format=%s", "agent/e2e-commit").trim().split("\n")).toEqual([
    "the agent commits",
    "first",
  ]);
  expect(git(repo.folder, "show", "agent/e2e-commit:README.md")).toBe("committed-by-agent\n");
  expect(git(repo.folder, "rev-parse", "trunk")).toBe(before.trunk);
  expect(git(repo.folder, "status", "--porcelain")).toBe(before.status);
  expect(readFileSync(path.join(repo.folder, "README.md"), "utf8")).toBe(before.readme);
  expect(readdirSync(repo.folder).sort()).toEqual(before.files);
  expect(readFileSync(path.join(repo.folder, ".git", "config"), "utf8")).toBe(before.config);

  // on demand from the page: nothing new to bring
  await page.getByTestId("branch-sync-button").click();
  await expect(page.getByTestId("branch-sync-status")).toHaveText(
    `agent/e2e-commit in ${repo.folder} is up to date`,
  );
});
