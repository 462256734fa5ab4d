import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { E2E } from "./support/constants";
import { bearer, expect, send, terminalText, test } from "./support/fixtures";

/**
 * A new user with each preset, pointed at the scripted model server: Settings → preset → the
 * endpoint's model list → Test connection → save; then a session whose model replays what that
 * server family sends (e2e/fixtures/streams): its reasoning shown dimmed, its answer, and a notice
 * when the answer was cut off.
 */

const FAKE_URL = `http://127.0.0.1:${E2E.llmPort}/v1`;

const FAMILIES = [
  {
    preset: "openai",
    api: "responses",
    replay: "openai-responses-length",
    thought: "**Listing everything**",
    answer: "1. alpha 2. beta 3. gam",
    cut: true,
  },
  {
    preset: "ollama",
    api: "chat",
    replay: "ollama-tool ollama-answer",
    thought: "Let me run it.",
    answer: "It printed hello-ollama.",
    cut: false,
  },
  {
    preset: "llama-cpp",
    api: "chat",
    replay: "llamacpp-length",
    thought: "A long list is wanted.",
    answer: "Here are the steps: one, two, thr",
    cut: true,
  },
  {
    preset: "vllm",
    api: "chat",
    replay: "vllm-tool vllm-answer",
    thought: "Run echo to check.",
    answer: "The command said hello-vllm.",
    cut: false,
  },
  {
    preset: "lm-studio",
    api: "responses",
    replay: "lmstudio-responses-reasoning",
    thought: "User asks for a greeting.",
    answer: "Hello from LM Studio.",
    cut: false,
  },
  {
    preset: "openrouter",
    api: "chat",
    replay: "groq-reasoning",
    thought: "Simple addition; answer four.",
    answer: "Four.",
    cut: false,
  },
  {
    preset: "groq",
    api: "chat",
    replay: "groq-reasoning",
    thought: "Simple addition; answer four.",
    answer: "Four.",
    cut: false,
  },
  {
    preset: "deepseek",
    api: "chat",
    replay: "deepseek-reasoning",
    thought: "The user wants the sum",
    answer: "Two plus two is four.",
    cut: false,
  },
] as const;

/** Whether the first cell of `needle`, where the terminal shows it, is drawn dim (and italic). */
function styleOf(page: Page, needle: string): Promise<{ dim: boolean; italic: boolean } | null> {
  return page.evaluate((text) => {
    const term = window.__ratchetTerm;
    if (!term) return null;
    const buffer = term.buffer.active;
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const at = line?.translateToString(true).indexOf(text) ?? -1;
      const cell = at >= 0 ? line?.getCell(at) : undefined;
      if (cell) return { dim: cell.isDim() !== 0, italic: cell.isItalic() !== 0 };
    }
    return null;
  }, needle);
}

test.afterAll(async ({ request }) => {
  // the other specs expect the suite's own model settings
  await request.put("/api/settings", {
    headers: bearer,
    data: { baseUrl: FAKE_URL, apiKey: null, model: "fake-model", api: "chat", provider: "auto" },
  });
});

for (const family of FAMILIES) {
  test(`the ${family.preset} preset, pointed at the scripted server, shows a session's reasoning dimmed and its answer`, async ({
    authed: page,
  }) => {
    test.setTimeout(120_000);
    await page.goto("/settings");
    await page.getByTestId("settings-preset").selectOption(family.preset);
    // the preset filled the form: its own URL, its API style, its client
    await expect(page.getByTestId("settings-base-url")).not.toHaveValue(FAKE_URL);
    await expect(page.getByTestId("settings-api")).toHaveValue(family.api);
    await expect(page.getByTestId("settings-provider")).toHaveValue(
      family.preset === "openai" ? "openai" : "compatible",
    );
    await page.getByTestId("settings-base-url").fill(FAKE_URL);
    await page.getByTestId("settings-api-key").fill("sk-e2e-preset-key-0123456789");
    await page.getByTestId("settings-list-models").click();
    await expect(page.getByTestId("settings-model-list-result")).toHaveText(/3 models at/);
    await expect(page.locator("#settings-model-list option")).toHaveCount(3);
    await page.getByTestId("settings-model").fill("fake-reasoning-model");
    await page.getByTestId("settings-test").click();
    await expect(page.getByTestId("test-result")).toContainText("Connected to");
    await page.getByTestId("settings-save").click();
    await expect(page.getByTestId("settings-saved")).toBeVisible();

    const workspace = path.join(E2E.workspace, `endpoints-${randomBytes(4).toString("hex")}`);
    mkdirSync(workspace, { recursive: true });
    const response = await page.request.post("/api/sessions", {
      data: { title: family.preset, workspace },
      headers: { origin: E2E.baseUrl },
    });
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await page.goto(`/sessions/${id}`);
    await expect(page.getByTestId("session-status")).toHaveText("idle");
    await send(page, `think it through [[replay: ${family.replay}]]`);
    await expect.poll(() => terminalText(page)).toContain(family.answer);
    await expect(page.getByTestId("session-status")).toHaveText("idle");
    const text = await terminalText(page);
    expect(text).toContain(family.thought);
    expect(await styleOf(page, family.thought)).toEqual({ dim: true, italic: true });
    expect(await styleOf(page, family.answer)).toEqual({ dim: false, italic: false });
    if (family.cut) expect(text).toContain("The answer was cut off");
    else expect(text).not.toContain("cut off");
  });
}
