import type {
  ApiStyle,
  NetworkPolicy,
  Price,
  ProviderChoice,
  SandboxAccess,
  Settings,
} from "@/lib/settings/views";
import type { SettingsPatch } from "../api-client";

/** The settings form's editable state: strings as typed, validated only on save. */
export interface PriceRow {
  key: string;
  model: string;
  input: string;
  output: string;
  /** Optional: prompt-cache reads' price, and this model's context window. */
  cached: string;
  contextWindow: string;
}

export interface SettingsDraft {
  baseUrl: string;
  apiKey: string;
  clearKey: boolean;
  model: string;
  api: ApiStyle;
  provider: ProviderChoice;
  contextWindow: string;
  fastModel: string;
  strongModel: string;
  stepLimit: string;
  prices: PriceRow[];
  defaultBudget: string;
  networkMode: NetworkPolicy["mode"];
  /** One domain per line or comma-separated, as typed. */
  networkDomains: string;
  /** One entry per line, as typed. */
  readPaths: string;
  envNames: string;
  privateNetworks: string;
}

let rowCounter = 0;
export function newPriceRow(price?: Price): PriceRow {
  rowCounter++;
  return {
    key: `row-${rowCounter}`,
    model: price?.model ?? "",
    input: price ? String(price.inputPerMTok) : "",
    output: price ? String(price.outputPerMTok) : "",
    cached: price?.cachedInputPerMTok !== undefined ? String(price.cachedInputPerMTok) : "",
    contextWindow: price?.contextWindow !== undefined ? String(price.contextWindow) : "",
  };
}

export function draftFrom(settings: Settings): SettingsDraft {
  const m = settings.model;
  return {
    baseUrl: m.baseUrl ?? "",
    apiKey: "",
    clearKey: false,
    model: m.model ?? "",
    api: m.api === "responses" ? "responses" : "chat",
    provider: m.provider ?? "auto",
    // only a window the person saved is theirs; else each model's own applies (Settings lists it)
    contextWindow: m.sources.contextWindow === "settings" ? String(m.contextWindow) : "",
    fastModel: m.tiers.fast === m.model ? "" : m.tiers.fast,
    strongModel: m.tiers.strong ?? "",
    stepLimit: String(m.stepLimit ?? ""),
    prices: (settings.prices ?? []).map((p) => newPriceRow(p)),
    defaultBudget:
      settings.defaultBudgetUsd === null || settings.defaultBudgetUsd === undefined
        ? ""
        : String(settings.defaultBudgetUsd),
    networkMode: settings.sandbox.network.mode,
    networkDomains:
      settings.sandbox.network.mode === "allowlist" ? settings.sandbox.network.domains.join("\n") : "",
    readPaths: settings.sandbox.access.readPaths.join("\n"),
    envNames: settings.sandbox.access.envNames.join("\n"),
    privateNetworks: settings.sandbox.access.privateNetworks.join("\n"),
  };
}

function lines(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]+/)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const CIDR = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

function parseAccess(draft: SettingsDraft, errors: string[]): SandboxAccess {
  const readPaths = lines(draft.readPaths);
  const envNames = lines(draft.envNames);
  const privateNetworks = lines(draft.privateNetworks);
  const relative = readPaths.filter((p) => !p.startsWith("/"));
  if (relative.length) errors.push(`Read paths must be absolute: ${relative.join(", ")}.`);
  const badNames = envNames.filter((n) => !ENV_NAME.test(n));
  if (badNames.length) errors.push(`Not a variable name: ${badNames.join(", ")}.`);
  const badRanges = privateNetworks.filter((c) => !CIDR.test(c));
  if (badRanges.length) errors.push(`Not a network range: ${badRanges.join(", ")} (use 10.20.0.0/16).`);
  return { readPaths, envNames, privateNetworks };
}

function sameAccess(a: SandboxAccess, b: SandboxAccess): boolean {
  return (
    a.readPaths.join("\n") === b.readPaths.join("\n") &&
    a.envNames.join("\n") === b.envNames.join("\n") &&
    a.privateNetworks.join("\n") === b.privateNetworks.join("\n")
  );
}

const DOMAIN = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/;

function parseNetwork(draft: SettingsDraft, errors: string[]): NetworkPolicy {
  if (draft.networkMode !== "allowlist") return { mode: draft.networkMode };
  const domains = draft.networkDomains
    .split(/[\s,]+/)
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  const bad = domains.filter((d) => !DOMAIN.test(d));
  if (bad.length)
    errors.push(`Not a domain: ${bad.join(", ")} (use example.com, *.example.com or example.com:443).`);
  return { mode: "allowlist", domains: [...new Set(domains)] };
}

function samePolicy(a: NetworkPolicy, b: NetworkPolicy): boolean {
  if (a.mode !== b.mode) return false;
  if (a.mode !== "allowlist" || b.mode !== "allowlist") return true;
  return a.domains.join(",") === b.domains.join(",");
}

function parseInteger(value: string, label: string, errors: string[]): number | undefined {
  const n = Number(value.trim());
  if (!value.trim() || !Number.isInteger(n) || n <= 0) {
    errors.push(`${label} must be a whole number above 0.`);
    return undefined;
  }
  return n;
}

function parsePrices(rows: PriceRow[], errors: string[]): Price[] {
  const prices: Price[] = [];
  for (const row of rows) {
    if (!row.model.trim() && !row.input.trim() && !row.output.trim()) continue;
    const input = Number(row.input);
    const output = Number(row.output);
    if (!row.model.trim()) {
      errors.push("Every price row needs a model id.");
      continue;
    }
    if (
      !row.input.trim() ||
      !row.output.trim() ||
      !Number.isFinite(input) ||
      !Number.isFinite(output) ||
      input < 0 ||
      output < 0
    ) {
      errors.push(`Prices for ${row.model.trim()} must be numbers of 0 or more.`);
      continue;
    }
    const price: Price = { model: row.model.trim(), inputPerMTok: input, outputPerMTok: output };
    if (row.cached.trim()) {
      const cached = Number(row.cached);
      if (!Number.isFinite(cached) || cached < 0)
        errors.push(`The cached-input price for ${price.model} must be a number of 0 or more.`);
      else price.cachedInputPerMTok = cached;
    }
    if (row.contextWindow.trim()) {
      const window = parseInteger(row.contextWindow, `The context window for ${price.model}`, errors);
      if (window !== undefined) price.contextWindow = window;
    }
    prices.push(price);
  }
  return prices;
}

function samePrices(a: Price[], b: Price[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return (
        q !== undefined &&
        p.model === q.model &&
        p.inputPerMTok === q.inputPerMTok &&
        p.outputPerMTok === q.outputPerMTok &&
        p.cachedInputPerMTok === q.cachedInputPerMTok &&
        p.contextWindow === q.contextWindow
      );
    })
  );
}

export function buildPatch(
  draft: SettingsDraft,
  saved: Settings,
): { patch: SettingsPatch; errors: string[] } {
  const errors: string[] = [];
  const patch: SettingsPatch = {};
  const m = saved.model;

  const baseUrl = draft.baseUrl.trim();
  if (baseUrl !== (m.baseUrl ?? "")) patch.baseUrl = baseUrl || null;

  if (draft.clearKey) patch.apiKey = null;
  else if (draft.apiKey.trim()) patch.apiKey = draft.apiKey.trim();

  const model = draft.model.trim();
  if (!model) errors.push("Model id is required.");
  else if (model !== m.model) patch.model = model;

  if (draft.api !== m.api) patch.api = draft.api;
  if (draft.provider !== (m.provider ?? "auto")) patch.provider = draft.provider;

  const savedWindow = m.sources.contextWindow === "settings" ? m.contextWindow : null;
  if (!draft.contextWindow.trim()) {
    if (savedWindow !== null) patch.contextWindow = null;
  } else {
    const contextWindow = parseInteger(draft.contextWindow, "Context window", errors);
    if (contextWindow !== undefined && contextWindow !== savedWindow) patch.contextWindow = contextWindow;
  }

  // tiers: an empty fast model is the model above; an empty strong model is no tiers
  const fastModel = draft.fastModel.trim();
  if (fastModel !== (m.tiers.fast === m.model ? "" : m.tiers.fast)) patch.fastModel = fastModel || null;
  const strongModel = draft.strongModel.trim();
  if (strongModel !== (m.tiers.strong ?? "")) patch.strongModel = strongModel || null;

  const stepLimit = parseInteger(draft.stepLimit, "Step limit", errors);
  if (stepLimit !== undefined && stepLimit !== m.stepLimit) patch.stepLimit = stepLimit;

  const prices = parsePrices(draft.prices, errors);
  if (!samePrices(prices, saved.prices ?? [])) patch.prices = prices;

  const budgetText = draft.defaultBudget.trim();
  let budget: number | null = null;
  if (budgetText) {
    const n = Number(budgetText);
    if (!Number.isFinite(n) || n <= 0) errors.push("Default budget must be a positive number of US dollars.");
    else budget = n;
  }
  if (!(budgetText && budget === null) && budget !== (saved.defaultBudgetUsd ?? null))
    patch.defaultBudgetUsd = budget;

  const network = parseNetwork(draft, errors);
  if (!samePolicy(network, saved.sandbox.network)) patch.network = network;

  const access = parseAccess(draft, errors);
  if (!sameAccess(access, saved.sandbox.access)) patch.sandboxAccess = access;

  return { patch, errors };
}
