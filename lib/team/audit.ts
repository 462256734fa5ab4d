import { db, type Prisma } from "@/lib/db/client";
import type { Actor } from "./actor";

/** What an audit entry records; dotted names, the part before the dot is the area. */
export type AuditAction =
  | "tool.approve"
  | "tool.reject"
  | "tool.retire"
  | "tool.rollback"
  | "tool.sync"
  | "skill.save"
  | "skill.delete"
  | "skill.rename"
  | "skill.restore"
  | "settings.update"
  | "workspaceRoots.update"
  | "user.create"
  | "user.role"
  | "user.disable"
  | "user.enable"
  | "user.token";

export type AuditDetail = Record<string, unknown>;

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
  const data = {
    actor: actor.name,
    action,
    target,
    ...(detail ? { detail: redactDetail(detail) as Prisma.InputJsonValue } : {}),
  };
  try {
    await db().auditLog.create({ data });
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
  const rows = await db().auditLog.findMany({
    where: {
      ...(action ? { action } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.target ? { target: filter.target } : {}),
      ...(filter.since || filter.until
        ? {
            at: {
              ...(filter.since ? { gte: filter.since } : {}),
              ...(filter.until ? { lt: filter.until } : {}),
            },
          }
        : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    ...(filter.before ? { cursor: { id: filter.before }, skip: 1 } : {}),
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
      detail: (r.detail as AuditDetail | null) ?? null,
    })),
    next: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
