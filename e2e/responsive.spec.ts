import type { Page } from "@playwright/test";
import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * Every page at a phone's, a small laptop's and a desktop's width, checked on geometry (screenshots
 * are attached for a person to look at, but the assertions are on where things are).
 */

const WIDTHS = [390, 1024, 1440] as const;
const HEIGHT = 844;
/** Below this the sidebar is a drawer behind a menu button (Tailwind's `md`). */
const DRAWER_BELOW = 768;

const PAGES = [
  "/sessions",
  "/telemetry",
  "/tools",
  "/skills",
  "/opportunities",
  "/reflections",
  "/learnings",
  "/team",
  "/settings",
] as const;

interface Layout {
  /** How far the document or the page's own scroller is wider than the window (0: nothing overflows). */
  overflow: number;
  /** The page title's box, and how many lines it takes. */
  title: { left: number; right: number; top: number; bottom: number; lines: number } | null;
  /** Controls whose box overlaps the title's. */
  overTitle: string[];
}

/** The layout facts the tests assert, read in the page. */
function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const main = document.getElementById("main");
    const overflow = Math.max(
      doc.scrollWidth - doc.clientWidth,
      main ? main.scrollWidth - main.clientWidth : 0,
    );
    const h1 = document.querySelector("h1");
    if (!h1) return { overflow, title: null, overTitle: [] };
    const box = h1.getBoundingClientRect();
    const lineHeight = Number.parseFloat(getComputedStyle(h1).lineHeight) || box.height;
    const overTitle: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      "a, button, input, select, textarea, [role=button]",
    )) {
      if (h1.contains(el) || el.contains(h1)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
      const x = Math.min(r.right, box.right) - Math.max(r.left, box.left);
      const y = Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top);
      if (x > 1 && y > 1) overTitle.push(el.outerHTML.slice(0, 120));
    }
    return {
      overflow,
      title: {
        left: box.left,
        right: box.right,
        top: box.top,
        bottom: box.bottom,
        lines: Math.round(box.height / lineHeight),
      },
      overTitle,
    };
  });
}

/** Soft: one run reports every page that fails, not only the first. */
async function expectGoodLayout(page: Page, width: number, label: string): Promise<void> {
  const facts = await layout(page);
  expect.soft(facts.overflow, `${label}: nothing is wider than the window`).toBeLessThanOrEqual(0);
  expect.soft(facts.title, `${label}: has a title`).not.toBeNull();
  if (!facts.title) return;
  expect.soft(facts.overTitle, `${label}: nothing overlaps the title`).toEqual([]);
  expect.soft(facts.title.left, `${label}: the title starts inside the window`).toBeGreaterThanOrEqual(0);
  expect.soft(facts.title.right, `${label}: the title ends inside the window`).toBeLessThanOrEqual(width);
  // a title squeezed by its buttons wraps word by word: it must fit in two lines
  expect.soft(facts.title.lines, `${label}: the title is not squeezed`).toBeLessThanOrEqual(2);
}

let sessionId = "";

test.beforeAll(async ({ request }) => {
  const created = await request.post("/api/sessions", { headers: bearer, data: { title: "on a phone" } });
  expect(created.ok()).toBe(true);
  sessionId = ((await created.json()) as { id: string }).id;
  const card = await request.post("/api/opportunities", {
    headers: bearer,
    data: { title: "A card to reach on a narrow board" },
  });
  expect(card.ok()).toBe(true);
});

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: HEIGHT } });

    test("every page fits the window and nothing overlaps its title", async ({ authed: page }, info) => {
      for (const path of [...PAGES, `/sessions/${sessionId}`]) {
        await page.goto(path);
        await expect(page.locator("h1").first()).toBeVisible();
        // a session page holds its event stream open, so the network is never idle there
        if (path.startsWith("/sessions/")) {
          await expect(page.getByTestId("session-status")).toHaveText("idle");
          await expect(page.getByTitle("Event stream")).toHaveText("live");
        } else await page.waitForLoadState("networkidle");
        await expectGoodLayout(page, width, `${path} at ${width}`);
        await info.attach(`${path} at ${width}`, { body: await page.screenshot(), contentType: "image/png" });
      }
    });

    test("the navigation is a sidebar on wide screens and a drawer that the keyboard opens and closes on narrow ones", async ({
      authed: page,
    }) => {
      await page.goto("/telemetry");
      const menu = page.getByRole("button", { name: "Open navigation" });
      const nav = page.getByRole("navigation", { name: "Main" });
      if (width >= DRAWER_BELOW) {
        await expect(menu).toBeHidden();
        await expect(nav.getByRole("link", { name: "Tools" })).toBeVisible();
        return;
      }
      await expect(nav.getByRole("link", { name: "Tools" })).toBeHidden();
      await menu.focus();
      await page.keyboard.press("Enter");
      const drawer = page.getByRole("dialog", { name: "Navigation" });
      await expect(drawer).toBeVisible();
      await expect(menu).toHaveAttribute("aria-expanded", "true");
      // focus moves into the drawer, and the drawer lies inside the window
      await expect(drawer.getByRole("link", { name: "Sessions" })).toBeFocused();
      const box = await drawer.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);
      await page.keyboard.press("Escape");
      await expect(drawer).toBeHidden();
      await expect(menu).toBeFocused();
      await expect(menu).toHaveAttribute("aria-expanded", "false");
      // a link in the drawer goes there and closes it
      await page.keyboard.press("Enter");
      await drawer.getByRole("link", { name: "Tools" }).click();
      await page.waitForURL(/\/tools$/);
      await expect(drawer).toBeHidden();
    });

    test("the Opportunities board scrolls sideways to its last column", async ({ authed: page }) => {
      await page.goto("/opportunities");
      const board = page.getByTestId("opportunity-board");
      await expect(board).toBeVisible();
      const column = board.getByTestId("column-dropped");
      await expect(column.getByRole("heading", { name: "Dropped", exact: true })).toBeVisible();
      await column.scrollIntoViewIfNeeded();
      const box = await column.boundingBox();
      expect(box, "the Dropped column is shown").not.toBeNull();
      if (!box) return;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect((await layout(page)).overflow).toBeLessThanOrEqual(0);
    });

    test("a session reads and takes a message at this width", async ({ authed: page }) => {
      await page.goto(`/sessions/${sessionId}`);
      const terminal = page.getByTestId("terminal");
      const composer = page.getByTestId("composer");
      const send = page.getByTestId("send-button");
      for (const el of [terminal, composer, send]) await expect(el).toBeInViewport({ ratio: 1 });
      const [t, c, s] = await Promise.all([
        terminal.boundingBox(),
        composer.boundingBox(),
        send.boundingBox(),
      ]);
      expect(t && t.width >= Math.min(width - 40, 340) && t.height >= 200, "the transcript has room").toBe(
        true,
      );
      expect(
        c && s && (c.x + c.width <= s.x || c.y + c.height <= s.y),
        "send does not cover the composer",
      ).toBe(true);
    });
  });
}

test("a skip link is the first stop of the keyboard and moves focus to the page", async ({
  authed: page,
}) => {
  await page.goto("/tools");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main")).toBeFocused();
});

test("the theme follows the system's light or dark setting", async ({ authed: page }) => {
  /** The relative luminance of a computed `rgb(…)` colour, 0 (black) to 1 (white). */
  const luminance = (color: string) => {
    const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  const colors = () =>
    page.evaluate(() => {
      const style = getComputedStyle(document.body);
      const h1 = document.querySelector("h1");
      return { background: style.backgroundColor, title: h1 ? getComputedStyle(h1).color : "" };
    });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/telemetry");
  const light = await colors();
  expect(luminance(light.background)).toBeGreaterThan(0.9);
  expect(luminance(light.title)).toBeLessThan(0.3);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await colors();
  expect(luminance(dark.background)).toBeLessThan(0.1);
  expect(luminance(dark.title)).toBeGreaterThan(0.7);
});

test("code stays readable on the light theme: a diff's text and its background contrast", async ({
  authed: page,
}) => {
  const luminance = (color: string) => {
    const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  await page.emulateMedia({ colorScheme: "light" });
  await newSession(page, "light diff");
  // a new file each run: the workspace is shared and outlives a run
  await send(page, `[[cmd: printf 'readable\\n' > light-diff-${Date.now()}.txt]] [[text: wrote it]]`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await expect.poll(() => terminalText(page)).toContain("wrote it");
  const open = page.getByTestId("changes-open");
  if (await open.isVisible()) await open.click();
  const line = page.locator('aside[aria-label="Changes"] .cm-line', { hasText: "readable" }).first();
  // the panel lists the files, then loads the first one's diff
  await expect(line).toBeVisible({ timeout: 20_000 });
  const { background, text } = await line.evaluate((el) => {
    // what is really behind the text: the nearest background that is not transparent
    let node: Element | null = el;
    let background = "rgb(255, 255, 255)";
    for (; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      // a see-through tint (a changed line's) is not what the eye reads the text against
      if (color !== "transparent" && !/rgba\(.*,\s*0(\.\d+)?\)$/.test(color)) {
        background = color;
        break;
      }
    }
    return { background, text: getComputedStyle(el).color };
  });
  expect(Math.abs(luminance(background) - luminance(text)), `${text} on ${background}`).toBeGreaterThan(0.4);
});

test("a new session can be opened from a phone", async ({ authed: page }) => {
  await page.setViewportSize({ width: 390, height: HEIGHT });
  await newSession(page, "from a phone");
  await expect(page.getByTestId("composer")).toBeInViewport();
});
