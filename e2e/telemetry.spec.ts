import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, newSession, send, terminalText, test } from "./support/fixtures";

const SHOTS = path.join("test-results", "telemetry");

/** Pixels of a screenshot that are clearly colored (the page's chrome is grey on near-black), decoded by the browser. */
function coloredPixels(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    if (!context) return 0;
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) count++;
    }
    return count;
  }, png.toString("base64"));
}

test("after a passing and a failing command, Telemetry shows both, draws its charts and lists the failing call", async ({
  authed: page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  // other specs share this server's database: exact figures are checked over this test's own window,
  // from the moment this session exists (the previous spec's last call, a command it stopped, is
  // recorded a moment before: a window opened a second earlier counted it)
  await newSession(page, "telemetry");
  const since = new Date().toISOString();
  await send(page, "[[cmd: true]] [[cmd: false]] [[text: telemetry-turn-done]]");
  await expect.poll(() => terminalText(page)).toContain("telemetry-turn-done");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  // run_command itself worked both times; the failed command is counted as exit≠0, not as a tool failure
  const window = `since=${encodeURIComponent(since)}`;
  await expect(async () => {
    const tools = await (await page.request.get(`/api/telemetry/tools?${window}`)).json();
    expect(tools.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: "run_command", calls: 2, successes: 2, failures: 0, successRate: 1 }),
      ]),
    );
    const commands = await (await page.request.get(`/api/telemetry/commands?${window}&all=1`)).json();
    expect(commands.commands).toEqual(
      expect.arrayContaining([
        { command: "true", calls: 1, failures: 0, failureRate: 0 },
        { command: "false", calls: 1, failures: 1, failureRate: 1 },
      ]),
    );
  }).toPass({ timeout: 10_000 });

  await page.goto("/telemetry?range=24h");

  // both commands, grouped by normalized command, with their failure rates
  const passing = page.locator('[data-testid="command-row"][data-command="true"]');
  const failing = page.locator('[data-testid="command-row"][data-command="false"]');
  await expect(passing.getByTestId("command-failure-rate")).toHaveText("0%");
  await expect(failing.getByTestId("command-failure-rate")).toHaveText("100%");
  const row = page.locator('[data-testid="telemetry-row"][data-tool="run_command"]');
  await expect(row.getByTestId("cell-success")).toContainText("exit≠0");

  // a chart renders: recharts loads lazily, then draws bars with a real size
  const chart = page.getByTestId("chart-calls");
  await expect(chart.locator("path.recharts-rectangle").first()).toBeVisible();
  const box = await chart.locator("path.recharts-rectangle").first().boundingBox();
  expect(box?.height ?? 0).toBeGreaterThan(1);
  const shot = await chart.screenshot({ path: path.join(SHOTS, "calls-per-day.png") });
  expect(await coloredPixels(page, shot)).toBeGreaterThan(200);
  await expect(page.getByTestId("chart-commands").locator("path.recharts-rectangle").first()).toBeVisible();

  // the drill-down lists the failing call with its exit code
  await page.getByTestId("tool-select-run_command").click();
  const drill = page.getByTestId("drilldown");
  await expect(drill).toBeVisible();
  const allCalls = drill.getByTestId("drilldown-call");
  await expect(allCalls.filter({ hasText: "false" }).first().getByTestId("drilldown-result")).toHaveText(
    "exit 1",
  );
  await expect(allCalls.filter({ hasText: "true" }).first().getByTestId("drilldown-result")).toHaveText(
    "exit 0",
  );
  await drill.getByTestId("drilldown-filter-failed").click();
  await expect(drill.locator('[data-testid="drilldown-call"][data-failed="false"]')).toHaveCount(0);
  const failed = drill
    .locator('[data-testid="drilldown-call"][data-failed="true"]')
    .filter({ hasText: "false" });
  await expect(failed.first()).toBeVisible();
  await expect(failed.first().getByTestId("drilldown-result")).toHaveText("exit 1");
  await expect(
    drill.getByTestId("chart-tool-daily").locator("path.recharts-rectangle").first(),
  ).toBeVisible();
  // the app scrolls inside <main>: a tall viewport shows the whole page in one picture
  await page.setViewportSize({ width: 1440, height: 3200 });
  await page.screenshot({ path: path.join(SHOTS, "telemetry-page.png") });

  // the selection survives a reload (?tool= in the URL)
  await page.reload();
  await expect(page.getByTestId("drilldown")).toHaveAttribute("data-tool", "run_command");
});

test("the telemetry API serves the contract's tool rows and exports CSV", async ({ authed: page }) => {
  const tools = await page.request.get("/api/telemetry/tools?since=2000-01-01T00:00:00Z");
  expect(tools.status()).toBe(200);
  const body = (await tools.json()) as { tools: Record<string, unknown>[] };
  for (const row of body.tools) {
    expect(Object.keys(row)).toEqual(
      expect.arrayContaining([
        "tool",
        "calls",
        "successes",
        "failures",
        "successRate",
        "p50Ms",
        "p95Ms",
        "lastUsedAt",
      ]),
    );
  }
  expect((await page.request.get("/api/telemetry/tools?since=yesterday")).status()).toBe(400);
  const csv = await page.request.get("/api/telemetry/export?dataset=commands&format=csv&range=24h");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toMatch(/^command,calls,failures,failureRate\r\n/);
});

test("the Activity section lists a session's calls and model steps, filters by kind and links to the session", async ({
  authed: page,
}) => {
  const sessionId = await newSession(page, "activity feed");
  await send(page, "[[cmd: echo activity-e2e]] [[text: activity-turn-done]]");

  // the API: this session's rows, once the turn has recorded its call and its steps
  const kindsOf = async (query: string) => {
    const response = await page.request.get(`/api/telemetry/activity?range=24h&session=${sessionId}${query}`);
    const body = (await response.json()) as { rows: { kind: string; sessionId: string }[] };
    return body.rows.map((r) => (r.sessionId === sessionId ? r.kind : "other session"));
  };
  await expect.poll(() => kindsOf("")).toEqual(expect.arrayContaining(["tool_call", "model_step"]));
  expect(new Set(await kindsOf("&kinds=tool_call"))).toEqual(new Set(["tool_call"]));
  expect((await page.request.get("/api/telemetry/activity?kinds=nope")).status()).toBe(400);

  await page.goto("/telemetry?range=24h");
  const activity = page.getByTestId("activity");
  const rows = (kind: string) => activity.locator(`[data-testid="activity-row"][data-kind="${kind}"]`);
  const call = rows("tool_call").filter({ hasText: "echo activity-e2e" }).first();
  await expect(call).toBeVisible();
  await expect(call.getByRole("link", { name: "activity feed" })).toHaveAttribute(
    "href",
    `/sessions/${sessionId}`,
  );
  await expect(rows("model_step").first()).toBeVisible();

  // the chips toggle kinds: without tool calls only the other kinds remain, and back again
  const chip = activity.getByTestId("activity-kind-tool_call");
  await chip.click();
  await expect(chip).toHaveAttribute("aria-pressed", "false");
  await expect(rows("model_step").first()).toBeVisible();
  await expect(rows("tool_call")).toHaveCount(0);
  await chip.click();
  await expect(call).toBeVisible();
});
