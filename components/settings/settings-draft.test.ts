import { describe, expect, it } from "vitest";
import type { Settings } from "@/lib/settings/views";
import { buildPatch, draftFrom, newPriceRow } from "./settings-draft";

/** Settings as GET /api/settings answers them, with the model part given. */
function settings(model: Partial<Settings["model"]> = {}, prices: Settings["prices"] = []): Settings {
  return {
    model: {
      baseUrl: "http://127.0.0.1:11434/v1",
      model: "small",
      api: "chat",
      provider: "auto",
      contextWindow: 128_000,
      tiers: { fast: "small", strong: null },
      stepLimit: 50,
      configured: true,
      apiKeySet: false,
      apiKeyHint: null,
      sources: {
        baseUrl: "settings",
        apiKey: "default",
        model: "settings",
        api: "settings",
        contextWindow: "default",
        stepLimit: "default",
      },
      ...model,
    },
    modelFacts: [],
    presets: [],
    prices,
    defaultBudgetUsd: null,
    sandbox: {
      mode: "on",
      reason: null,
      network: { mode: "open" },
      networkDescription: "",
      access: { readPaths: [], envNames: [], privateNetworks: [] },
      taskCap: { enforced: false, detail: "" },
    },
    workspaces: {
      roots: [],
      source: "default",
      variable: null,
      saved: null,
      defaultWorkspace: null,
      problems: [],
    },
  };
}

describe("the settings form: tiers, windows and per-model figures", () => {
  it("an untouched form changes nothing; a default window is not shown as the person's", () => {
    const saved = settings();
    const draft = draftFrom(saved);
    expect(draft.contextWindow).toBe("");
    expect(draft.fastModel).toBe("");
    expect(draft.strongModel).toBe("");
    expect(buildPatch(draft, saved)).toEqual({ patch: {}, errors: [] });
  });

  it("naming a strong model sets tiers; emptying it and the fast model clears them", () => {
    const saved = settings();
    expect(buildPatch({ ...draftFrom(saved), strongModel: " big " }, saved).patch).toEqual({
      strongModel: "big",
    });
    const tiered = settings({ tiers: { fast: "tiny", strong: "big" } });
    const draft = draftFrom(tiered);
    expect([draft.fastModel, draft.strongModel]).toEqual(["tiny", "big"]);
    expect(buildPatch({ ...draft, fastModel: "", strongModel: "" }, tiered).patch).toEqual({
      fastModel: null,
      strongModel: null,
    });
  });

  it("a saved window can be cleared, so each model's own applies again", () => {
    const saved = settings({
      contextWindow: 32_000,
      sources: { ...settings().model.sources, contextWindow: "settings" },
    });
    const draft = draftFrom(saved);
    expect(draft.contextWindow).toBe("32000");
    expect(buildPatch({ ...draft, contextWindow: "" }, saved).patch).toEqual({ contextWindow: null });
  });

  it("a price row carries its cached price and window; bad ones are said and not saved", () => {
    const saved = settings();
    const row = {
      ...newPriceRow(),
      model: "big",
      input: "3",
      output: "15",
      cached: "0.3",
      contextWindow: "200000",
    };
    expect(buildPatch({ ...draftFrom(saved), prices: [row] }, saved).patch.prices).toEqual([
      { model: "big", inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, contextWindow: 200_000 },
    ]);
    const bad = { ...row, cached: "-1", contextWindow: "12.5" };
    const { errors } = buildPatch({ ...draftFrom(saved), prices: [bad] }, saved);
    expect(errors).toEqual([
      "The cached-input price for big must be a number of 0 or more.",
      "The context window for big must be a whole number above 0.",
    ]);
  });

  it("a saved row's optional figures round-trip through the form unchanged", () => {
    const prices = [{ model: "big", inputPerMTok: 3, outputPerMTok: 15, contextWindow: 200_000 }];
    const saved = settings({}, prices);
    expect(buildPatch(draftFrom(saved), saved).patch).toEqual({});
  });
});
