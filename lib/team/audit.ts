import { type AuditDetail, insertAuditEntry, listAuditEntries } from "@/lib/db/queries/audit-log";
import type { Actor } from "./actor";
import type { Action } from "./permissions";

/**
 * What an audit entry records: an action of the permissions table, or one of the finer names a
 * user change is recorded under. Dotted names; the part before the dot is the area.
 */
export type AuditAction = Action | "user.role" | "user.disable" | "user.enable";

export type { AuditDetail };

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: AuditDetail | null;
}

const SECRET_KEY = /key|token|secret|password/i;
const MAX_DETAIL_CHARS = 4000;
const REDACTED = "[redacted]";

/** Values under secret-looking keys never reach the log; anything very large is cut to its keys. */
export function redactDetail(detail: AuditDetail): AuditDetail {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEY.test(k) && typeof v === "string" && v.length > 0 ? REDACTED : walk(v);
    }
    return out;
  };
  const safe = walk(detail) as AuditDetail;
  if (JSON.stringify(safe).length <= MAX_DETAIL_CHARS) return safe;
  return { truncated: true, keys: Object.keys(safe) };
}

/**
 * Records who did what, after it was done. A failed write is logged in full on the server and does
 * not fail the request: the change it describes has already happened.
 */
export async function audit(
  actor: Actor,
  action: AuditAction,
  target: string | null,
  detail: AuditDetail | null = null,
): Promise<void> {
  const data = { actor: actor.name, action, target, ...(detail ? { detail: redactDetail(detail) } : {}) };
  try {
    await insertAuditEntry(data);
  } catch (error) {
    console.error(`[ratchet] AUDIT WRITE FAILED: ${JSON.stringify(data)}`, error);
  }
}

export interface AuditFilter {
  /** An exact action ("tool.approve") or an area ending in a dot ("tool."). */
  action?: string;
  actor?: string;
  target?: string;
  since?: Date;
  until?: Date;
  /** The id of the last entry of the previous page. */
  before?: string;
  limit?: number;
}

export const AUDIT_PAGE_MAX = 500;

/** Newest first; `next` is the `before` value for the following page, or null at the end. */
export async function listAudit(
  filter: AuditFilter = {},
): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), AUDIT_PAGE_MAX);
  const action = filter.action?.endsWith(".") ? { startsWith: filter.action } : filter.action;
  const rows = await listAuditEntries({
    action,
    actor: filter.actor,
    target: filter.target,
    since: filter.since,
    until: filter.until,
    after: filter.before,
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: r.detail,
    })),
    next: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
