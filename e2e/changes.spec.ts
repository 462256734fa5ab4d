import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { E2E } from "./support/constants";
import { expect, send, terminalText, test } from "./support/fixtures";

/**
 * The Changes panel against the built app, the real sandbox and checkpoint store, and the scripted
 * model: the agent edits files with run_command, a person reads each turn's and the session's
 * diffs, rewinds a turn, reverts one change, meets a conflict with their own edit, and sends a
 * review whose comments reach the agent as one message.
 */

/** A session in a folder of its own (inside the suite's workspace root), with these files in it. */
async function sessionWith(page: Page, title: string, files: Record<string, string>) {
  const workspace = path.join(E2E.workspace, `changes-${title}-${randomBytes(4).toString("hex")}`);
  mkdirSync(workspace, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(workspace, name), content);
  const response = await page.request.post("/api/sessions", {
    data: { title, workspace },
    headers: { origin: E2E.baseUrl },
  });
  expect(response.status()).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  // closed until a person opens it (then remembered); a narrow screen shows it as a tab instead
  if ((page.viewportSize()?.width ?? 0) >= 1024) await page.getByTestId("changes-open").click();
  const read = (name: string) => readFileSync(path.join(workspace, name), "utf8");
  return { id, workspace, read, exists: (name: string) => existsSync(path.join(workspace, name)) };
}

/** Sends a message and waits for its turn to end (the marker is the model's last words). */
async function turn(page: Page, text: string, marker: string) {
  await send(page, `${text} [[text: ${marker}]]`);
  await expect.poll(() => terminalText(page)).toContain(marker);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
}

const panel = (page: Page) => page.getByTestId("changes-panel");
const files = (page: Page) => panel(page).getByTestId("changes-file");
const diff = (page: Page) => panel(page).getByTestId("diff-view");

async function paths(page: Page): Promise<string[]> {
  return files(page).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path") ?? ""));
}

async function showTurn(page: Page, n: number) {
  await panel(page).getByTestId("changes-scope").getByText("Turn", { exact: true }).click();
  await panel(page).getByTestId("changes-turn").selectOption(String(n));
  await expect(panel(page)).toHaveAttribute("data-scope", `turn ${n}`);
}

async function showScope(page: Page, label: "Session" | "Uncommitted") {
  await panel(page).getByTestId("changes-scope").getByText(label, { exact: true }).click();
}

/** The lines of the diff's text as the editor holds it (the new side in the unified view). */
function line(page: Page, text: string): Locator {
  return diff(page)
    .locator(".cm-content > .cm-line")
    .filter({ hasText: new RegExp(`^${text}$`) });
}

/** Selects whole lines with the mouse: a click at the first one's start, a shift-click at the last one's end. */
async function selectLines(page: Page, first: string, last: string) {
  await line(page, first).click({ position: { x: 1, y: 4 } });
  const end = await line(page, last).boundingBox();
  if (!end) throw new Error(`no line ${last}`);
  await line(page, last).click({ position: { x: end.width - 2, y: 4 }, modifiers: ["Shift"] });
}

test("each turn's diff and the session's, and rewinding turn 2 of 3 puts the files back and marks it", async ({
  authed: page,
}) => {
  const ws = await sessionWith(page, "rewind", { "a.txt": "a0\n", "b.txt": "b0\n" });
  await turn(page, "[[cmd: printf 'a1\\n' > a.txt]]", "turn-one-done");
  await turn(page, "[[cmd: printf 'b2\\n' > b.txt && printf 'c2\\n' > c.txt]]", "turn-two-done");
  await turn(page, "[[cmd: printf 'a3\\n' > a.txt]]", "turn-three-done");

  // the latest turn first, exactly its files
  await expect(panel(page)).toHaveAttribute("data-scope", "turn 3");
  await expect.poll(() => paths(page)).toEqual(["a.txt"]);
  await expect(diff(page)).toContainText("a3");
  await expect(diff(page).locator(".cm-deletedChunk")).toContainText("a1");

  await showTurn(page, 2);
  await expect.poll(() => paths(page)).toEqual(["b.txt", "c.txt"]);
  await expect(files(page).nth(0)).toHaveAttribute("data-status", "modified");
  await expect(files(page).nth(1)).toHaveAttribute("data-status", "added");
  await expect(panel(page).getByTestId("changes-summary")).toContainText("2 files +2 −1");
  await expect(panel(page).getByTestId("diff-path")).toHaveText("b.txt");
  await expect(line(page, "b2")).toHaveCount(1);
  await files(page).nth(1).getByRole("button").first().click();
  await expect(panel(page).getByTestId("diff-path")).toHaveText("c.txt");
  await expect(line(page, "c2")).toHaveCount(1);

  // split: before on the left, after on the right
  await panel(page).getByTestId("diff-mode").getByText("Split").click();
  await expect(diff(page)).toHaveAttribute("data-mode", "split");
  await files(page).nth(0).getByRole("button").first().click();
  await expect(diff(page).locator(".cm-merge-a .cm-line").filter({ hasText: "b0" })).toHaveCount(1);
  await expect(diff(page).locator(".cm-merge-b .cm-line").filter({ hasText: "b2" })).toHaveCount(1);
  await panel(page).getByTestId("diff-mode").getByText("Unified").click();

  await showScope(page, "Session");
  await expect(panel(page)).toHaveAttribute("data-scope", "this session");
  await expect.poll(() => paths(page)).toEqual(["a.txt", "b.txt", "c.txt"]);
  await expect(panel(page).getByTestId("changes-summary")).toContainText("3 files +3 −2");

  // rewind to before turn 2: asked first, then the files are back, turns 2 and 3 marked
  await showTurn(page, 2);
  await panel(page).getByTestId("rewind-turn").click();
  const dialog = page.getByTestId("rewind-dialog");
  await expect(dialog).toContainText("turns 2–3, marked rewound");
  await dialog.getByTestId("rewind-confirm").click();
  await expect(panel(page).getByTestId("changes-notice")).toContainText("3 files put back");
  expect(ws.read("a.txt")).toBe("a1\n");
  expect(ws.read("b.txt")).toBe("b0\n");
  expect(ws.exists("c.txt")).toBe(false);

  await expect(panel(page).getByTestId("changes-rewound")).toBeVisible();
  await expect(panel(page).getByTestId("changes-turn").locator("option")).toHaveText([
    "Turn 1",
    "Turn 2 · rewound",
    "Turn 3 · rewound (latest)",
  ]);
  await expect.poll(() => terminalText(page)).toContain("↺ files put back as before turn 2");
  await expect
    .poll(async () => (await terminalText(page)).split("↺ rewound: the files this turn changed").length - 1)
    .toBe(2);
  await page.getByTestId("waterfall-toggle").click();
  await expect(page.locator("[data-testid=waterfall-turn][data-rewound=true]")).toHaveCount(2);
  await expect(page.getByTestId("waterfall-turn").first()).not.toHaveAttribute("data-rewound", "true");

  // the session as it is now: only turn 1's change is left
  await showScope(page, "Session");
  await expect.poll(() => paths(page)).toEqual(["a.txt"]);
});

test("the panel follows a running turn: a file appears as soon as the step that wrote it is recorded", async ({
  authed: page,
}) => {
  await sessionWith(page, "live", {});
  const seconds = 600 + Math.floor(Math.random() * 9000);
  await send(page, `[[cmd: printf 'x\\n' > live.txt]] [[cmd: sleep ${seconds}]]`);
  await expect.poll(() => terminalText(page)).toContain(`▸ run_command  sleep ${seconds}`);
  await expect(page.getByTestId("session-status")).toHaveText("running");
  await expect.poll(() => paths(page)).toEqual(["live.txt"]);
  await expect(line(page, "x")).toHaveCount(1);
  // nothing can be put back while the agent works
  await expect(panel(page).getByTestId("rewind-turn")).toBeDisabled();
  await page.getByTestId("stop-button").click();
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect(panel(page).getByTestId("rewind-turn")).toBeEnabled();
});

test("a hunk revert leaves the rest; a file edited by hand is a conflict until forced", async ({
  authed: page,
}) => {
  const original = `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;
  const ws = await sessionWith(page, "hunks", { "f.txt": original, "g.txt": "g0\n" });
  await turn(
    page,
    "[[cmd: sed -i -e 's/^line 2$/CHANGED 2/' -e 's/^line 26$/CHANGED 26/' f.txt && printf 'g1\\n' > g.txt]]",
    "hunks-done",
  );
  await expect.poll(() => paths(page)).toEqual(["f.txt", "g.txt"]);
  await expect(panel(page).getByTestId("diff-path")).toHaveText("f.txt");
  const hunks = diff(page).getByTestId("diff-hunk");
  await expect(hunks).toHaveCount(2);

  await hunks.nth(1).getByTestId("revert-hunk").click();
  await expect(panel(page).getByTestId("changes-notice")).toContainText(
    "Revert change 2 in f.txt: 1 file put back",
  );
  expect(ws.read("f.txt")).toContain("CHANGED 2\n");
  expect(ws.read("f.txt")).toContain("\nline 26\n");
  expect(ws.read("g.txt")).toBe("g1\n");
  await expect(hunks).toHaveCount(1);
  await expect.poll(() => terminalText(page)).toContain("↺ a change in f.txt put back as before turn 1");

  // the person edits the file in their editor; reverting it now asks before overwriting that
  writeFileSync(path.join(ws.workspace, "f.txt"), "my own edit\n");
  await panel(page).getByTestId("revert-shown-file").click();
  const conflict = page.getByTestId("conflict-dialog");
  await expect(conflict.getByTestId("conflict-files")).toHaveText("f.txt");
  await conflict.getByText("Keep those changes").click();
  await expect(conflict).toBeHidden();
  expect(ws.read("f.txt")).toBe("my own edit\n");

  await panel(page).getByTestId("revert-shown-file").click();
  await conflict.getByTestId("conflict-force").click();
  await expect(panel(page).getByTestId("changes-notice")).toContainText("Revert f.txt: 1 file put back");
  expect(ws.read("f.txt")).toBe(original);
  expect(ws.read("g.txt")).toBe("g1\n");
  await expect.poll(() => paths(page)).toEqual(["g.txt"]);
});

test("review comments on lines of two files survive a reload and reach the agent as one message", async ({
  authed: page,
}) => {
  const ws = await sessionWith(page, "review", {});
  await turn(
    page,
    "[[cmd: printf 'one\\ntwo\\nthree\\n' > notes.txt && printf 'x = 1\\ny = 2\\n' > calc.py]]",
    "review-turn-done",
  );
  await expect.poll(() => paths(page)).toEqual(["calc.py", "notes.txt"]);

  await files(page).nth(1).getByRole("button").first().click();
  await expect(panel(page).getByTestId("diff-path")).toHaveText("notes.txt");
  await selectLines(page, "two", "three");
  await panel(page).getByTestId("comment-start").click();
  await panel(page).getByTestId("comment-text").fill("Say what these two lines are for.");
  await panel(page).getByTestId("comment-add").click();

  await files(page).nth(0).getByRole("button").first().click();
  await expect(panel(page).getByTestId("diff-path")).toHaveText("calc.py");
  await selectLines(page, "y = 2", "y = 2");
  await panel(page).getByTestId("comment-start").click();
  await panel(page).getByTestId("comment-text").fill("Name y after what it counts.");
  await panel(page).getByTestId("comment-add").click();
  await expect(panel(page).getByTestId("review-count")).toHaveText("2");

  await page.reload();
  await expect(panel(page).getByTestId("review-comment")).toHaveCount(2);
  await expect(panel(page).getByTestId("review-comment").nth(0)).toContainText("calc.py line 2");
  await expect(panel(page).getByTestId("review-comment").nth(1)).toContainText("notes.txt lines 2-3");

  await panel(page).getByTestId("review-send").click();
  await expect(panel(page).getByTestId("review-tray")).toBeHidden();
  await expect.poll(() => terminalText(page)).toContain("Echo: Code review of your changes: 2 comments.");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  const detail = (await (await page.request.get(`/api/sessions/${ws.id}`)).json()) as {
    messages: { role: string; parts: { type: string; text?: string }[] }[];
  };
  const last = detail.messages.filter((m) => m.role === "user").at(-1);
  expect(last?.parts.map((p) => p.text ?? "").join("")).toBe(
    [
      "Code review of your changes: 2 comments. Address each one in the files named, then say briefly what you changed.",
      "",
      "## 1. calc.py, line 2",
      "```python",
      "y = 2",
      "```",
      "Name y after what it counts.",
      "",
      "## 2. notes.txt, lines 2-3",
      "```",
      "two",
      "three",
      "```",
      "Say what these two lines are for.",
    ].join("\n"),
  );
  // sent comments are gone for good, also after a reload; the latest turn (the answer) changed nothing
  await page.reload();
  await expect(panel(page).getByTestId("changes-empty")).toHaveText("Turn 2 changed no files.");
  await expect(panel(page).getByTestId("review-tray")).toBeHidden();
});

test("on a narrow screen the changes are a tab beside the transcript; uncommitted work shows when it is a repository", async ({
  authed: page,
}) => {
  await page.setViewportSize({ width: 720, height: 800 });
  const ws = await sessionWith(page, "narrow", { "a.txt": "a0\n" });
  await turn(page, "[[cmd: printf 'a1\\n' > a.txt]]", "narrow-done");
  await expect(panel(page)).toBeHidden();
  await page.getByTestId("session-tab-changes").click();
  await expect.poll(() => paths(page)).toEqual(["a.txt"]);
  await expect(page.getByTestId("terminal")).toBeHidden();

  await showScope(page, "Uncommitted");
  await expect(panel(page).getByTestId("changes-empty")).toContainText("not a git repository");
  await page.getByTestId("session-tab-transcript").click();
  await turn(
    page,
    "[[cmd: git init -q && git add a.txt && git -c user.name=t -c user.email=t@t commit -qm first && printf 'b\\n' > b.txt]]",
    "git-done",
  );
  await page.getByTestId("session-tab-changes").click();
  await expect.poll(() => paths(page)).toEqual(["b.txt"]);
  expect(ws.read("a.txt")).toBe("a1\n");
});
