/** Browser-side JSON client for Ratchet's own HTTP API (same origin, cookie auth). */

import type {
  Hypothesis,
  LearningEvent,
  LearningHealth,
  LearningType,
  MaintenanceRun,
  MaintenanceStatus,
  Opportunity,
  OpportunityImportResult,
  OpportunityInput,
  ReflectionCoverage,
  ReflectionItem,
  ToolDecisionResult,
  ToolDetail,
  ToolListItem,
  ToolsFolderSync,
  WorkingMemoryVersion,
} from "./api-types";

export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: string; message: string };

interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** On 401, send the browser to /login (default true). */
  redirectOnUnauthorized?: boolean;
}

function errorFrom(payload: unknown): { code?: string; message?: string } {
  if (typeof payload !== "object" || payload === null || !("error" in payload)) return {};
  const error = (payload as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const { method = "GET", body, signal, redirectOnUnauthorized = true } = options;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: "same-origin",
      cache: "no-store",
      headers:
        body === undefined
          ? { accept: "application/json" }
          : { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    return {
      ok: false,
      status: 0,
      code: "network",
      message: "Could not reach the Ratchet server. Is it still running?",
    };
  }

  const text = await response.text();
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }

  if (response.ok) return { ok: true, status: response.status, data: payload as T };

  if (response.status === 401 && redirectOnUnauthorized && typeof window !== "undefined") {
    window.location.href = "/login";
  }
  const { code, message } = errorFrom(payload);
  return {
    ok: false,
    status: response.status,
    code: code ?? `http_${response.status}`,
    message: message ?? `Request failed (HTTP ${response.status}).`,
  };
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** The agent-written tools API: the list, one tool's versions, and the decisions a person makes. */
export const toolsApi = {
  list: (signal?: AbortSignal) => apiRequest<{ tools: ToolListItem[] }>("/api/tools", { signal }),
  detail: (name: string, signal?: AbortSignal) =>
    apiRequest<ToolDetail>(`/api/tools/${encodeURIComponent(name)}`, { signal }),
  /** Approval binds to the exact content the person reviewed. */
  approve: (name: string, sha256: string) =>
    apiRequest<ToolDecisionResult>(`/api/tools/${encodeURIComponent(name)}/approve`, {
      method: "POST",
      body: { sha256 },
    }),
  reject: (name: string, sha256: string, reason: string) =>
    apiRequest<ToolDecisionResult>(`/api/tools/${encodeURIComponent(name)}/reject`, {
      method: "POST",
      body: { sha256, reason },
    }),
  retire: (name: string, reason?: string) =>
    apiRequest<ToolDecisionResult>(`/api/tools/${encodeURIComponent(name)}/retire`, {
      method: "POST",
      body: reason ? { reason } : {},
    }),
  rollback: (name: string, version: number) =>
    apiRequest<ToolDecisionResult>(`/api/tools/${encodeURIComponent(name)}/rollback`, {
      method: "POST",
      body: { version },
    }),
  syncFolder: () => apiRequest<ToolsFolderSync>("/api/tools/sync", { method: "POST" }),
};

const enc = encodeURIComponent;

/** The learning loops' API (docs/api.md, "Learning"). */
export const learningApi = {
  health: (signal?: AbortSignal) => apiRequest<LearningHealth>("/api/learning/health", { signal }),

  reflections: (filter: { status?: string; q?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams();
    if (filter.status) params.set("status", filter.status);
    if (filter.q?.trim()) params.set("q", filter.q.trim());
    const query = params.toString();
    return apiRequest<{ coverage: ReflectionCoverage; reflections: ReflectionItem[] }>(
      `/api/reflections${query ? `?${query}` : ""}`,
      { signal },
    );
  },
  reflect: (sessionId: string) =>
    apiRequest<{ queued: boolean }>(`/api/sessions/${enc(sessionId)}/reflect`, { method: "POST" }),

  learningEvents: (signal?: AbortSignal) =>
    apiRequest<{ learningEvents: LearningEvent[] }>("/api/learning-events", { signal }),
  createLearningEvent: (body: {
    sessionId?: string | null;
    type: LearningType;
    description: string;
    context?: string | null;
  }) => apiRequest<LearningEvent>("/api/learning-events", { method: "POST", body }),
  updateLearningEvent: (
    id: string,
    body: { type?: LearningType; description?: string; context?: string | null },
  ) => apiRequest<LearningEvent>(`/api/learning-events/${enc(id)}`, { method: "PATCH", body }),
  deleteLearningEvent: (id: string) =>
    apiRequest<null>(`/api/learning-events/${enc(id)}`, { method: "DELETE" }),

  opportunities: (signal?: AbortSignal) =>
    apiRequest<{ opportunities: Opportunity[] }>("/api/opportunities", { signal }),
  createOpportunity: (body: OpportunityInput) =>
    apiRequest<Opportunity>("/api/opportunities", { method: "POST", body }),
  updateOpportunity: (id: string, body: Partial<OpportunityInput> & { position?: number }) =>
    apiRequest<Opportunity>(`/api/opportunities/${enc(id)}`, { method: "PATCH", body }),
  deleteOpportunity: (id: string) => apiRequest<null>(`/api/opportunities/${enc(id)}`, { method: "DELETE" }),
  importOpportunities: (markdown: string) =>
    apiRequest<OpportunityImportResult>("/api/opportunities/import", { method: "POST", body: { markdown } }),

  maintenanceStatus: (signal?: AbortSignal) =>
    apiRequest<MaintenanceStatus>("/api/maintenance/status", { signal }),
  maintenance: (signal?: AbortSignal) =>
    apiRequest<{ status: MaintenanceStatus; runs: MaintenanceRun[] }>("/api/maintenance", { signal }),
  startMaintenance: () =>
    apiRequest<{ id: string; sessionId: string }>("/api/maintenance", { method: "POST" }),
  resumeMaintenance: (id: string) =>
    apiRequest<{ id: string; sessionId: string }>(`/api/maintenance/${enc(id)}/resume`, { method: "POST" }),
  snoozeMaintenance: (sessions?: number) =>
    apiRequest<MaintenanceStatus>("/api/maintenance/snooze", {
      method: "POST",
      body: sessions ? { sessions } : {},
    }),

  workingMemory: (signal?: AbortSignal) =>
    apiRequest<{ current: WorkingMemoryVersion | null; versions: WorkingMemoryVersion[] }>(
      "/api/working-memory",
      { signal },
    ),
  saveWorkingMemory: (content: string) =>
    apiRequest<WorkingMemoryVersion>("/api/working-memory", { method: "PUT", body: { content } }),

  hypotheses: (signal?: AbortSignal) =>
    apiRequest<{ hypotheses: Hypothesis[] }>("/api/hypotheses", { signal }),
};
