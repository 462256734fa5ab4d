/**
 * What the settings routes answer (app/api/settings/**). The types are the contract the browser
 * reads: components import them with `import type`, so a change here breaks their build.
 */
import "server-only";
import { loadPrices } from "@/lib/model/prices";
import {
  describeNetworkPolicy,
  type NetworkPolicy,
  type SandboxSettings,
  sandboxStatus,
  taskCapSupport,
} from "@/lib/sandbox";
import { workspacesView } from "@/lib/workspaces/roots";
import { loadDefaultBudget } from "./budget";
import { keyHint, loadModelConfig, type ModelConfig } from "./model-config";
import { configuredFacts, loadFactSources } from "./model-facts";
import { readNetworkPolicy } from "./network-policy";
import { ENDPOINT_PRESETS } from "./presets";
import { readSandboxSettings } from "./sandbox-settings";

export type { FactSource, ModelFacts } from "@/lib/model/model-facts";
export type { Price } from "@/lib/model/prices";
export type { WorkspacesView } from "@/lib/workspaces/roots";
export type { ModelListReport } from "./model-list";
export type { EndpointPreset } from "./presets";
export type { ConnectionReport } from "./test-connection";
export type { NetworkPolicy, SandboxSettings as SandboxAccess };
export type ApiStyle = ModelConfig["api"];
export type ProviderChoice = NonNullable<ModelConfig["provider"]>;
export type ValueSource = ModelConfig["sources"][keyof ModelConfig["sources"]];

function sandboxView(network: NetworkPolicy, access: SandboxSettings) {
  const status = sandboxStatus();
  const cap = taskCapSupport();
  return {
    mode: status.mode,
    reason: status.reason,
    network,
    networkDescription: describeNetworkPolicy(network),
    access,
    taskCap:
      cap.kind === "none" ? { enforced: false, detail: cap.reason } : { enforced: true, detail: cap.kind },
  };
}

/** GET and PUT /api/settings: the model (never its key), prices, budget, sandbox and workspace roots. */
export async function settingsView() {
  const config = await loadModelConfig();
  const { apiKey, ...rest } = config;
  const { fast, strong } = config.tiers;
  const facts = configuredFacts(config, await loadFactSources(config), [
    config.model,
    fast,
    ...(strong ? [strong] : []),
  ]);
  return {
    model: { ...rest, apiKeySet: Boolean(apiKey), apiKeyHint: keyHint(apiKey) },
    /** The configured models' windows and prices as turns use them, with where each came from. */
    modelFacts: facts,
    presets: ENDPOINT_PRESETS,
    prices: await loadPrices(),
    defaultBudgetUsd: await loadDefaultBudget(),
    sandbox: sandboxView(await readNetworkPolicy(), await readSandboxSettings()),
    // changed through PUT /api/settings/workspace-roots (admin, audited on its own)
    workspaces: await workspacesView(),
  };
}
export type Settings = Awaited<ReturnType<typeof settingsView>>;
export type SandboxView = Settings["sandbox"];
