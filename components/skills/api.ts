/** The skills API as the Skills page uses it. Shapes come from the server's view functions. */
import type { DiskState } from "@/lib/skills/errors";
import type { SaveResult } from "@/lib/skills/store";
import type { SkillDetail, SkillList, SkillListItem } from "@/lib/skills/views";
import { type ApiResult, apiRequest } from "../api-client";

export type { DiskState, SkillDetail, SkillList, SkillListItem };

export interface SkillVersionSummary {
  version: number;
  sha256: string;
  origin: string;
  message: string | null;
  createdAt: string;
}

export interface SkillVersionContent extends SkillVersionSummary {
  name: string;
  content: string;
}

export type SavedSkill = SkillDetail & SaveResult;

const path = (name: string, rest = "") => `/api/skills/${encodeURIComponent(name)}${rest}`;

/** A 409 from a save carries the file as it is on disk now. */
export async function saveWithConflict(
  name: string,
  body: { content: string; baseSha256?: string | null; create?: boolean },
): Promise<ApiResult<SavedSkill> | { ok: false; conflict: DiskState; message: string; status: 409 }> {
  const response = await fetch(path(name), {
    method: "PUT",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  if (!response) {
    return {
      ok: false,
      status: 0,
      code: "network",
      message: "Could not reach the Ratchet server. Is it still running?",
    };
  }
  const payload = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
    current?: DiskState;
  } | null;
  if (response.ok) return { ok: true, status: response.status, data: payload as unknown as SavedSkill };
  if (response.status === 401) window.location.href = "/login";
  if (response.status === 409 && payload?.current) {
    return {
      ok: false,
      status: 409,
      conflict: payload.current,
      message: payload.error?.message ?? "Conflict.",
    };
  }
  return {
    ok: false,
    status: response.status,
    code: payload?.error?.code ?? `http_${response.status}`,
    message: payload?.error?.message ?? `Request failed (HTTP ${response.status}).`,
  };
}

export const skillsApi = {
  list: (signal?: AbortSignal) => apiRequest<SkillList>("/api/skills", { signal }),
  detail: (name: string, signal?: AbortSignal) => apiRequest<SkillDetail>(path(name), { signal }),
  save: saveWithConflict,
  remove: (name: string, baseSha256?: string | null) =>
    apiRequest<{ name: string; deleted: true }>(
      path(name, baseSha256 ? `?baseSha256=${encodeURIComponent(baseSha256)}` : ""),
      { method: "DELETE" },
    ),
  rename: (name: string, to: string) =>
    apiRequest<SkillDetail & { from: string }>(path(name, "/rename"), { method: "POST", body: { to } }),
  versions: (name: string, signal?: AbortSignal) =>
    apiRequest<{ name: string; versions: SkillVersionSummary[] }>(path(name, "/versions"), { signal }),
  version: (name: string, version: number, signal?: AbortSignal) =>
    apiRequest<SkillVersionContent>(path(name, `/versions/${version}`), { signal }),
  restore: (name: string, version: number, baseSha256?: string | null) =>
    apiRequest<SavedSkill & { restored: number }>(path(name, "/restore"), {
      method: "POST",
      body: { version, ...(baseSha256 ? { baseSha256 } : {}) },
    }),
};
