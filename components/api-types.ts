import type { SessionStatus } from "@/lib/events/types";

/** Response shapes the UI reads. Fields beyond the public contract are optional. */

export interface SessionSummary {
  id: string;
  title: string;
  status: SessionStatus;
  createdAt: string;
  updatedAt: string;
  workspace?: string;
  costUsd?: number;
}

export interface SessionDetail {
  id: string;
  title: string;
  status: SessionStatus;
  workspace?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  budgetUsd?: number | null;
  statusNote?: string | null;
}

export type ApiStyle = "chat" | "responses";
export type ValueSource = "env" | "settings" | "default";

export interface Price {
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface SettingsResponse {
  model: {
    configured: boolean;
    baseUrl: string | null;
    model: string;
    api: ApiStyle;
    apiKeySet: boolean;
    apiKeyHint: string | null;
    contextWindow: number;
    stepLimit: number;
    sources: Record<string, ValueSource>;
  };
  prices: Price[];
  defaultBudgetUsd: number | null;
  sandbox: SandboxSettings;
}

export type NetworkPolicy = { mode: "open" } | { mode: "allowlist"; domains: string[] } | { mode: "none" };

export interface SandboxSettings {
  mode: "on" | "off" | "unavailable";
  reason: string | null;
  network: NetworkPolicy;
  networkDescription: string;
  taskCap: { enforced: boolean; detail: string };
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  latencyMs?: number;
}

export interface ToolTelemetry {
  tool: string;
  calls: number;
  successes: number;
  failures: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  lastUsedAt: string | null;
}

/** Agent-written tools: the shapes of GET /api/tools and GET /api/tools/:name (lib/tools/views.ts). */

export type ToolVersionStatus = "proposed" | "invalid" | "active" | "superseded" | "rejected" | "retired";

export interface ToolListItem {
  name: string;
  description: string;
  origin: "builtin" | "agent" | "user";
  /** The status of the version that speaks for the tool: the active one, else the newest. */
  status: "active" | "proposed" | "rejected" | "retired" | "invalid";
  version: number | "builtin";
  sha256: string | null;
  /** Versions waiting for a decision. */
  pending: number;
  updatedAt: string | null;
}

export interface ToolValidationCheck {
  id: string;
  label: string;
  status: "pass" | "fail" | "warn";
  detail?: string;
}

export interface ToolExampleReport {
  index: number;
  args: unknown;
  pass: boolean;
  reason?: string;
  returned?: string;
  durationMs: number;
}

export interface ToolSourceFlag {
  id: string;
  label: string;
  lines: number[];
}

export interface ToolValidationReport {
  ok: boolean;
  checks: ToolValidationCheck[];
  flags: ToolSourceFlag[];
  examples: ToolExampleReport[];
  unavailable: string | null;
  durationMs: number;
}

export interface ToolVersionCall {
  id: string;
  sessionId: string | null;
  ok: boolean;
  errorClass: string | null;
  durationMs: number | null;
  inputSummary: string | null;
  createdAt: string;
}

export interface ToolVersionDetail {
  id: string;
  version: number;
  sha256: string;
  status: ToolVersionStatus;
  origin: "agent" | "user";
  description: string;
  source: string;
  parent: { version: number | null; source: string | null } | null;
  reason: string | null;
  sessionId: string | null;
  manifest: {
    description: string;
    schema: Record<string, unknown>;
    capabilities: Record<string, unknown>;
    requires: string[];
    examples: number;
  } | null;
  /** Capabilities in plain words. */
  capabilities: string[];
  validation: ToolValidationReport | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  createdAt: string;
  calls: ToolVersionCall[];
}

export interface ToolDetail {
  name: string;
  /** Newest first. */
  versions: ToolVersionDetail[];
}

/** What approve, reject, retire and rollback return. */
export interface ToolDecisionResult {
  name: string;
  version: number;
  status: ToolVersionStatus;
  sha256: string;
}

/** What POST /api/tools/sync found in the tools folder. */
export interface ToolsFolderSync {
  verified: string[];
  needsApproval: string[];
  ignored: Array<{ file: string; reason: string }>;
}
