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
