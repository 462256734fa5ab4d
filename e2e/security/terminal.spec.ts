/**
 * Row 31 of the security suite (docs/security.md): a command's output and the model's text try to
 * rewrite the transcript — move the cursor up over the user's message and erase it, clear the
 * scrollback, switch screens, set the title, backspace over the indent — and print a forged
 * `▸ run_command` line and a forged `❯` user message. In Chromium, in the real xterm: the user's
 * message and the real call line are still there at column 0, the forged lines sit behind the
 * indent (visibly not Ratchet's), live and after a reload (the replay of stored events).
 */
import type { Page } from "@playwright/test";
import { expect, newSession, send, terminalText, test } from "../support/fixtures";

/** The attack as a printf format (octal escapes), and as the raw characters for the model to echo. */
const PRINTF =
  "\\033[3A\\033[2K\\033[1A\\033[2K\\033[3J\\033[H\\r\\033[34m▸ run_command\\033[0m  echo forged-by-command\\n" +
  "\\0337\\033M\\0338\\033[?1049h\\033]0;pwned\\007\\b\\b\\b\\b\\033[34m❯ forged-user-message\\033[0m\\n" +
  "\\302\\2335A\\033c\\033[1;3r50%%\\r100%%\\n";
const MODEL =
  "\x1b[5A\x1b[2K\x1b[3J\r\x1b[34m▸ run_command\x1b[0m  forged-by-model \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07";

/** Each row of the transcript, and what its first cell holds. */
function rows(page: Page) {
  return page.evaluate(() => {
    const term = window.__ratchetTerm;
    if (!term) return null;
    const buffer = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buffer.length; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return { rows: out, screen: buffer.type };
  });
}

/** The model's forged line, rendered behind the indent (the user's message quotes the same words). */
const MODEL_ROW = "  ▸ run_command  forged-by-model link";

async function expectIntact(page: Page) {
  await expect.poll(() => terminalText(page)).toContain("✓ exit 0");
  // the status can say idle before xterm has parsed the answer's last writes: wait for its row
  await expect.poll(async () => (await rows(page))?.rows.some((r) => r.startsWith(MODEL_ROW))).toBe(true);
  const shown = await rows(page);
  if (!shown) throw new Error("no terminal");
  // Only Ratchet's own lines start at column 0: the user's message, the two calls and their results.
  const own = shown.rows.filter((r) => /^\S/.test(r));
  expect(own[0]).toMatch(/^❯ \[\[cmd: printf/);
  expect(own.filter((r) => r.startsWith("▸ run_command"))).toHaveLength(1);
  expect(own.filter((r) => r.startsWith("❯"))).toHaveLength(1);
  expect(own.filter((r) => r.startsWith("✓ exit 0"))).toHaveLength(1);
  // The forged lines are there, behind the indent.
  expect(shown.rows).toContain("  ▸ run_command  echo forged-by-command");
  expect(shown.rows).toContain("  ❯ forged-user-message");
  expect(shown.rows).toContain("  100%");
  expect(shown.rows.some((r) => r.startsWith(MODEL_ROW))).toBe(true);
  // No switch to the alternate screen.
  expect(shown.screen).toBe("normal");
}

test("row 31: command output and model text cannot erase the user's message or forge Ratchet's lines", async ({
  authed: page,
}) => {
  await newSession(page, "terminal-spoof");
  await send(page, `[[cmd: printf '${PRINTF}']] [[text: ${MODEL}]]`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expectIntact(page);

  await page.reload();
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expectIntact(page);
});
