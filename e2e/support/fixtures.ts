import { test as base, expect, type Page } from "@playwright/test";
import { E2E } from "./constants";

export { expect };

type Fixtures = { authed: Page };

/** A page whose browser context holds the login cookie. */
export const test = base.extend<Fixtures>({
  authed: async ({ page, context }, use) => {
    const response = await context.request.post("/api/auth/login", { data: { token: E2E.token } });
    expect(response.status()).toBe(200);
    await use(page);
  },
});

export const bearer = { authorization: `Bearer ${E2E.token}` };

/** The terminal's text as a person sees it, read from xterm's buffer. */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = window.__ratchetTerm;
    if (!term) return "";
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n").trimEnd();
  });
}

/**
 * Foreground color of the first cell of `needle` on the first line that starts with it (after the
 * indent that command output and the model's text sit behind), as xterm reports it.
 */
export function colorOf(page: Page, needle: string): Promise<{ mode: string; color: number } | null> {
  return page.evaluate((text) => {
    const term = window.__ratchetTerm;
    if (!term) return null;
    const buffer = term.buffer.active;
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const shown = line?.translateToString(true) ?? "";
      if (line && shown.trimStart().startsWith(text)) {
        const cell = line.getCell(shown.length - shown.trimStart().length);
        if (!cell) return null;
        const mode = cell.isFgRGB() ? "rgb" : cell.isFgPalette() ? "palette" : "default";
        return { mode, color: cell.getFgColor() };
      }
    }
    return null;
  }, needle);
}

export async function newSession(page: Page, title: string): Promise<string> {
  await page.goto("/sessions");
  await page.getByTestId("new-session-title").fill(title);
  await page.getByTestId("new-session-submit").click();
  await page.waitForURL(/\/sessions\/[^/]+$/);
  return page.url().split("/").at(-1) ?? "";
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("send-button").click();
}
