import type { Locator } from "@playwright/test";
import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * Telemetry on the first day of use: every series is one day among thirty. A line is drawn between
 * values, so without its points a one-day series draws nothing; and a few sessions cost fractions of
 * a cent, which a two-decimal axis labels "$0.00" on every tick.
 */

const FAKE_PRICE = { model: "fake-model", inputPerMTok: 1.5, outputPerMTok: 4 };

/** Every line of a chart shows something: a stroke between two points, or its points. */
async function expectEveryLineVisible(chart: Locator): Promise<void> {
  const curves = chart.locator(".recharts-line-curve");
  await expect(curves.first()).toBeAttached();
  // "M x,y Z" is a line of one point: nothing is stroked
  const lone = (await curves.evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? ""))).filter(
    (d) => !/[LCQ]/.test(d),
  ).length;
  if (lone === 0) return;
  const dots = chart.locator(".recharts-line-dot");
  expect(await dots.count()).toBeGreaterThanOrEqual(lone);
  for (const dot of await dots.all()) {
    await expect(dot).toBeVisible();
    expect((await dot.boundingBox())?.width ?? 0).toBeGreaterThan(2);
  }
}

test("on day one the charts draw their single day, and the cost axis reads in steps a person can tell apart", async ({
  authed: page,
}) => {
  const settings = await (await page.request.get("/api/settings", { headers: bearer })).json();
  const prices = settings.prices as Array<{ model: string }>;
  const priced = await page.request.put("/api/settings", {
    headers: bearer,
    data: { prices: [...prices.filter((p) => p.model !== FAKE_PRICE.model), FAKE_PRICE] },
  });
  expect(priced.status()).toBe(200);
  try {
    await newSession(page, "day one");
    await send(page, "[[cmd: true]] [[text: day-one-done]]");
    await expect.poll(() => terminalText(page)).toContain("day-one-done");
    await expect(page.getByTestId("session-status")).toHaveText("idle");

    await page.goto("/telemetry?range=30d");
    await expectEveryLineVisible(page.getByTestId("chart-success"));
    await expectEveryLineVisible(page.getByTestId("chart-latency"));
    const spend = page.getByTestId("chart-spend");
    await expectEveryLineVisible(spend);

    const ticks = spend.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await expect(ticks.first()).toBeVisible();
    const labels = (await ticks.allTextContents()).map((t) => t.trim());
    expect(labels.length).toBeGreaterThan(1);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.some((l) => /^\$0\.0*[1-9]/.test(l))).toBe(true);
  } finally {
    await page.request.put("/api/settings", { headers: bearer, data: { prices } });
  }
});
