/** Browser-side JSON client for Ratchet's own HTTP API (same origin, cookie auth). */

import type { ToolDecisionResult, ToolDetail, ToolListItem, ToolsFolderSync } from "./api-types";

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
