import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { E2E } from "./support/constants";
import { colorOf, expect, newSession, send, terminalText, test } from "./support/fixtures";

// The edit tools as a person sees them: a turn of the scripted model writes, edits and patches files
// in the session's workspace; the terminal shows each file's diff in colour, and a refused edit
// gives the model a message it can act on.

/** The transcript with rows the terminal's width broke joined again (continuations sit behind the gutter). */
async function unwrapped(page: Page): Promise<string> {
  return (await terminalText(page)).replaceAll("\n  ", "");
}

const tool = (name: string, args: unknown) => `[[tool: ${name} ${JSON.stringify(args)}]]`;

test("a turn edits files with write_file, edit_file and apply_patch and the terminal shows the coloured diffs", async ({
  authed: page,
}) => {
  const dir = `edits-${randomUUID().slice(0, 8)}`;
  await newSession(page, "edit tools");
  const patch = [
    "*** Begin Patch",
    `*** Update File: ${dir}/notes.txt`,
    " BETA",
    "-gamma",
    "+GAMMA-PATCHED",
    `*** Add File: ${dir}/added.md`,
    "+# added by apply_patch",
    "*** End Patch",
  ].join("\n");
  await send(
    page,
    [
      tool("write_file", { path: `${dir}/notes.txt`, content: "alpha\nbeta\ngamma\n" }),
      tool("edit_file", { path: `${dir}/notes.txt`, old_string: "beta", new_string: "BETA" }),
      tool("apply_patch", { patch }),
      "[[text: All three edits are done.]]",
    ].join(" "),
  );
  // the tool result's summary is the last thing only the turn itself writes
  await expect.poll(() => terminalText(page)).toContain("✓ 2 files · +2 -1");
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  const text = await terminalText(page);
  for (const expected of [
    `▸ write_file  ${dir}/notes.txt`,
    `● A ${dir}/notes.txt +3 -0`,
    `▸ edit_file  ${dir}/notes.txt`,
    `● M ${dir}/notes.txt +1 -1`,
    `▸ apply_patch  ${dir}/notes.txt, ${dir}/added.md`,
    `● A ${dir}/added.md +1 -0`,
    "✓ 2 files · +2 -1",
    "@@ -1,3 +1,3 @@",
  ])
    expect(text).toContain(expected);
  // palette colours: red 1, green 2, blue (the accent) 4
  expect(await colorOf(page, "-beta")).toEqual({ mode: "palette", color: 1 });
  expect(await colorOf(page, "+BETA")).toEqual({ mode: "palette", color: 2 });
  expect(await colorOf(page, "+GAMMA-PATCHED")).toEqual({ mode: "palette", color: 2 });
  expect(await colorOf(page, "+# added by apply_patch")).toEqual({ mode: "palette", color: 2 });
  expect(await colorOf(page, "@@ -1,3 +1,3 @@")).toEqual({ mode: "palette", color: 4 });

  const root = path.join(E2E.workspace, dir);
  expect(readFileSync(path.join(root, "notes.txt"), "utf8")).toBe("alpha\nBETA\nGAMMA-PATCHED\n");
  expect(readFileSync(path.join(root, "added.md"), "utf8")).toBe("# added by apply_patch\n");

  // the same transcript after a reload: the diffs are events, replayed as they were shown
  await page.reload();
  await expect.poll(() => terminalText(page)).toContain("✓ 2 files · +2 -1");
  expect(await terminalText(page)).toBe(text);
});

test("a refused edit changes nothing and the model reads where the file differs", async ({
  authed: page,
}) => {
  const dir = `edits-${randomUUID().slice(0, 8)}`;
  await newSession(page, "refused edit");
  const patch = [
    "*** Begin Patch",
    `*** Add File: ${dir}/first.txt`,
    "+one",
    `*** Add File: ../outside-${dir}.txt`,
    "+planted",
    "*** End Patch",
  ].join("\n");
  await send(page, tool("apply_patch", { patch }));
  await expect
    .poll(() => unwrapped(page))
    .toContain(`✗ refused: ../outside-${dir}.txt is outside the workspace`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  // the model read why: the next request carries the refusal as the tool's result
  await expect
    .poll(() => unwrapped(page))
    .toContain(`Ran it. Output: Error: ../outside-${dir}.txt is outside the workspace`);
  expect(existsSync(path.join(E2E.workspace, dir, "first.txt"))).toBe(false);
  expect(existsSync(path.join(E2E.workspace, "..", `outside-${dir}.txt`))).toBe(false);

  await send(page, tool("edit_file", { path: `${dir}/missing.txt`, old_string: "x", new_string: "y" }));
  await expect.poll(() => unwrapped(page)).toContain(`${dir}/missing.txt does not exist. To create it`);
});
