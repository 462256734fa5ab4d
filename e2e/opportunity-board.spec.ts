import type { Page, Route } from "@playwright/test";
import { bearer, expect, test } from "./support/fixtures";

/**
 * The Opportunities board under quick keyboard moves: saves that could pass each other on the
 * network. The first save of a card is held at the network; when the page had sent the second
 * meanwhile, the first is let go only after the second was answered, so its (older) answer arrives
 * last and reaches the server last.
 */

const RUN = Date.now().toString(36);

async function createCard(page: Page, title: string): Promise<string> {
  const response = await page.request.post("/api/opportunities", { headers: bearer, data: { title } });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function serverStatus(page: Page, id: string): Promise<string | undefined> {
  const response = await page.request.get("/api/opportunities", { headers: bearer });
  const { opportunities } = (await response.json()) as {
    opportunities: Array<{ id: string; status: string }>;
  };
  return opportunities.find((o) => o.id === id)?.status;
}

declare global {
  interface Window {
    __ratchetPatches?: number;
  }
}

/** Counts the PATCHes the page has sent, as it sends them (the network sees them a little later). */
async function countPatches(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const original = window.fetch.bind(window);
    window.__ratchetPatches = 0;
    window.fetch = (input, init) => {
      if (init?.method === "PATCH") window.__ratchetPatches = (window.__ratchetPatches ?? 0) + 1;
      return original(input, init);
    };
  });
}

const sentPatches = (page: Page) => page.evaluate(() => window.__ratchetPatches ?? 0);

/** Two rendered frames: whatever the page does with an answer it has received is on screen after them. */
function settled(page: Page): Promise<void> {
  return page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

interface Save {
  status: string | undefined;
  answered: boolean;
}

/** Holds the card's first PATCH until `release()`; records every PATCH and when it was answered. */
async function holdFirstSave(page: Page, id: string, fail?: (index: number) => boolean) {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const saves: Save[] = [];
  await page.route(`**/api/opportunities/${id}`, async (route: Route) => {
    const request = route.request();
    if (request.method() !== "PATCH") return route.continue();
    const save: Save = { status: (request.postDataJSON() as { status?: string }).status, answered: false };
    const index = saves.push(save) - 1;
    if (index === 0) await held;
    if (fail?.(index))
      await route.fulfill({
        status: 500,
        json: { error: { code: "internal", message: "the disk is full" } },
      });
    else await route.fulfill({ response: await route.fetch() });
    save.answered = true;
  });
  return { saves, release };
}

test("two quick Alt+→ moves are saved in order: the card stays in Done, keeps focus, and the server ends at done", async ({
  authed: page,
}) => {
  const id = await createCard(page, `Race card ${RUN}`);
  const { saves, release } = await holdFirstSave(page, id);
  await countPatches(page);
  await page.goto("/opportunities");
  const card = page.locator(`[data-card-id="${id}"]`);
  await card.focus();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("column-in_progress").locator(`[data-card-id="${id}"]`)).toBeFocused();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("column-done").locator(`[data-card-id="${id}"]`)).toBeFocused();

  // both sent at once: the older answer comes last
  if ((await sentPatches(page)) > 1) await expect.poll(() => saves[1]?.answered).toBe(true);
  release();
  await expect.poll(() => saves.length > 0 && saves.every((s) => s.answered)).toBe(true);
  expect(saves.map((s) => s.status)).toEqual(["in_progress", "done"]);
  await settled(page);

  await expect(page.getByTestId("column-done").locator(`[data-card-id="${id}"]`)).toBeFocused();
  await expect(page.getByTestId("column-in_progress").locator(`[data-card-id="${id}"]`)).toHaveCount(0);
  expect(await serverStatus(page, id)).toBe("done");
  await expect(page.getByTestId("board-error")).toHaveCount(0);
});

test("when the latest of two quick moves fails, the card goes back to where the server has it, with focus and the reason", async ({
  authed: page,
}) => {
  const id = await createCard(page, `Failing move ${RUN}`);
  const { saves, release } = await holdFirstSave(page, id, (index) => index === 1);
  await countPatches(page);
  await page.goto("/opportunities");
  await page.locator(`[data-card-id="${id}"]`).focus();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("column-in_progress").locator(`[data-card-id="${id}"]`)).toBeFocused();
  await page.keyboard.press("Alt+ArrowRight");
  await expect(page.getByTestId("column-done").locator(`[data-card-id="${id}"]`)).toBeFocused();
  if ((await sentPatches(page)) > 1) await expect.poll(() => saves[1]?.answered).toBe(true);
  release();
  await expect.poll(() => saves.length > 1 && saves.every((s) => s.answered)).toBe(true);
  await settled(page);

  // the first move was saved, the second was not: In progress, as on the server
  await expect(page.getByTestId("column-in_progress").locator(`[data-card-id="${id}"]`)).toBeFocused();
  await expect(page.getByTestId("board-error")).toContainText("the disk is full");
  expect(await serverStatus(page, id)).toBe("in_progress");
});
