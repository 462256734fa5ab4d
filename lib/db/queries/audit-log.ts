import { z } from "zod";
import { db } from "../client";
import { type Column, newRowId, writeRows } from "./insert-rows";

/** An entry's detail: a JSON object, or null. */
export type AuditDetail = Record<string, unknown>;
const detailSchema = z.record(z.string(), z.unknown());

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  /** Null when none was recorded, or when what is stored is not an object. */
  detail: AuditDetail | null;
}

export async function insertAuditEntry(entry: {
  actor: string;
  action: string;
  target: string | null;
  detail?: AuditDetail;
}): Promise<void> {
  // one INSERT through the driver: every mutation writes one, a message's while its turn starts
  const { actor, action, target, detail } = entry;
  const row = [newRowId(), new Date(), actor, action, target, detail ? JSON.stringify(detail) : null];
  await writeRows({ table: "AuditLog", columns: AUDIT_COLUMNS, rows: [row] });
}

const AUDIT_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["at", "datetime"],
  ["actor", "string"],
  ["action", "string"],
  ["target", "string"],
  ["detail", "string"],
];

export interface AuditQuery {
  /** An exact action, or every action starting with this prefix. */
  action?: string | { startsWith: string };
  actor?: string;
  target?: string;
  since?: Date;
  until?: Date;
  /** The id of the entry the page starts after. */
  after?: string;
  take: number;
}

/** Newest first (ties by id, descending). */
export async function listAuditEntries(query: AuditQuery): Promise<AuditRow[]> {
  const rows = await db().auditLog.findMany({
    where: {
      ...(query.action ? { action: query.action } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.target ? { target: query.target } : {}),
      ...(query.since || query.until
        ? {
            at: {
              ...(query.since ? { gte: query.since } : {}),
              ...(query.until ? { lt: query.until } : {}),
            },
          }
        : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    ...(query.after ? { cursor: { id: query.after }, skip: 1 } : {}),
    take: query.take,
  });
  return rows.map((r) => {
    const detail = detailSchema.safeParse(r.detail);
    return { ...r, detail: detail.success ? detail.data : null };
  });
}
