import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";

/**
 * Model tiers as a person meets them: Settings names a fast and a strong model on the scripted
 * endpoint; a turn whose command fails twice moves to the strong model and says so, the waterfall
 * shows each step's tier, the session's picker pins it to fast, and Telemetry shows cost per tier.
 */

const FAST = "fake-model-mini";
const STRONG = "fake-model";
const PRICES = [
  { model: FAST, inputPerMTok: 1, outputPerMTok: 1 },
  { model: STRONG, inputPerMTok: 20, outputPerMTok: 20 },
];

test("a failing turn escalates to the strong model, the waterfall shows it, a pin keeps it on fast, Telemetry shows cost per tier", async ({
  authed: page,
}) => {
  const before = await (await page.request.get("/api/settings", { headers: bearer })).json();
  const saved = await page.request.put("/api/settings", {
    headers: bearer,
    data: { fastModel: FAST, strongModel: STRONG, prices: PRICES },
  });
  expect(saved.status()).toBe(200);
  try {
    // Settings lists both models with the figures turns will use, and where each came from
    await page.goto("/settings");
    await expect(page.getByTestId("settings-strong-model")).toHaveValue(STRONG);
    const fact = (model: string) =>
      page.getByTestId("settings-model-fact").filter({ has: page.getByText(model, { exact: true }) });
    await expect(fact(FAST).getByTestId("fact-price")).toHaveText("$1 in · $1 out per 1M (yours)");
    await expect(fact(STRONG).getByTestId("fact-price")).toHaveText("$20 in · $20 out per 1M (yours)");
    // nobody gave the scripted models a window: unknown, not a made-up number
    await expect(fact(STRONG).getByTestId("fact-window")).toHaveText("unknown (set it under Prices)");

    await newSession(page, "tiers");
    await send(page, "[[cmd: exit 1]] [[cmd: exit 1]] [[text: tiers-escalated]]");
    await expect.poll(() => terminalText(page)).toContain("tiers-escalated");
    await expect(page.getByTestId("session-status")).toHaveText("idle");
    const text = await terminalText(page);
    expect(text).toContain(`on fast (${FAST}): a turn starts on fast`);
    expect(text).toContain(`escalated to strong (${STRONG}): run_command failed twice`);

    await page.getByTestId("waterfall-toggle").click();
    const firstTurn = page.getByTestId("waterfall-turn").nth(0);
    await expect(firstTurn.getByTestId("waterfall-step-tier")).toHaveText(["fast", "fast", "strong"]);

    // pinned to fast: the same failures no longer escalate
    await page.getByTestId("session-tier").selectOption("fast");
    await expect
      .poll(async () => {
        const id = new URL(page.url()).pathname.split("/").pop() ?? "";
        const session = await (await page.request.get(`/api/sessions/${id}`, { headers: bearer })).json();
        return session.tierOverride;
      })
      .toBe("fast");
    await send(page, "[[cmd: exit 1]] [[cmd: exit 1]] [[text: tiers-pinned]]");
    await expect.poll(() => terminalText(page)).toContain("tiers-pinned");
    await expect(page.getByTestId("session-status")).toHaveText("idle");
    expect(await terminalText(page)).toContain(`on fast (${FAST}): pinned to fast for this session`);
    const secondTurn = page.getByTestId("waterfall-turn").nth(1);
    await expect(secondTurn.getByTestId("waterfall-step-tier")).toHaveText(["fast", "fast", "fast"]);

    await page.goto("/telemetry?range=7d");
    const table = page.getByTestId("tier-spend");
    await expect(table.getByTestId("tier-spend-fast")).toContainText(FAST);
    await expect(table.getByTestId("tier-spend-strong")).toContainText(STRONG);
    await expect(table.getByTestId("tier-spend-strong").getByTestId("tier-spend-cost")).toHaveText(
      /^\$0\.0*[1-9]/,
    );
  } finally {
    await page.request.put("/api/settings", {
      headers: bearer,
      data: { fastModel: null, strongModel: null, prices: before.prices },
    });
  }
});

test("the model list answers each listed model with the window and price a turn would use, and where they come from", async ({
  authed: page,
}) => {
  const before = await (await page.request.get("/api/settings", { headers: bearer })).json();
  await page.request.put("/api/settings", {
    headers: bearer,
    data: { prices: [{ model: FAST, inputPerMTok: 0, outputPerMTok: 0, contextWindow: 32_768 }] },
  });
  try {
    const response = await page.request.post("/api/settings/models", { headers: bearer, data: {} });
    expect(response.status()).toBe(200);
    const report = await response.json();
    const facts = new Map<string, Record<string, unknown>>(
      (report.facts as Array<Record<string, unknown>>).map((f) => [String(f.model), f]),
    );
    expect([...facts.keys()].sort()).toEqual([...report.models].sort());
    // the person's row: a local model priced at $0 on purpose, its window given
    expect(facts.get(FAST)).toMatchObject({
      contextWindow: 32_768,
      contextWindowSource: "person",
      price: { inputPerMTok: 0, outputPerMTok: 0 },
      priceSource: "person",
    });
    // nobody said anything of this one: unknown, never a made-up $0
    expect(facts.get(STRONG)).toMatchObject({
      contextWindow: null,
      contextWindowSource: "unknown",
      price: null,
      priceSource: "unknown",
    });
  } finally {
    await page.request.put("/api/settings", { headers: bearer, data: { prices: before.prices } });
  }
});
