/** The team API as the team page uses it (app/api/users, app/api/audit). */
import { apiRequest } from "@/components/api-client";

export const ROLE_OPTIONS = ["admin", "approver", "member", "viewer"] as const;
export type RoleName = (typeof ROLE_OPTIONS)[number];

export interface TeamUser {
  id: string;
  name: string;
  role: RoleName;
  createdAt: string;
  lastSeenAt: string | null;
  disabledAt: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  before?: string;
}

function query(params: AuditQuery): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const teamApi = {
  list: () => apiRequest<{ users: TeamUser[] }>("/api/users"),
  create: (name: string, role: RoleName) =>
    apiRequest<{ user: TeamUser; token: string }>("/api/users", { method: "POST", body: { name, role } }),
  update: (id: string, change: { role?: RoleName; disabled?: boolean }) =>
    apiRequest<{ user: TeamUser }>(`/api/users/${encodeURIComponent(id)}`, { method: "PATCH", body: change }),
  resetToken: (id: string) =>
    apiRequest<{ user: TeamUser; token: string }>(`/api/users/${encodeURIComponent(id)}/token`, {
      method: "POST",
    }),
  audit: (params: AuditQuery) =>
    apiRequest<{ entries: AuditRow[]; next: string | null }>(`/api/audit${query({ ...params })}`),
};
