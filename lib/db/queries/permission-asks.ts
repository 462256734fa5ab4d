import { z } from "zod";
import { db, type Prisma } from "../client";

/**
 * Asks: tool calls waiting for a person under an *ask* permission rule (lib/permissions/asks.ts).
 * The row is the one truth across instances: whoever moves it out of `pending` first (an answer,
 * the timeout, a Stop) decides, with a conditional update, and everyone else reads what it says.
 */
export const ASK_STATUSES = [
  "pending",
  "allowed",
  "allowed_session",
  "denied",
  "timed_out",
  "cancelled",
] as const;
export type AskStatus = (typeof ASK_STATUSES)[number];
const statusSchema = z.enum(ASK_STATUSES);
const labelsSchema = z.array(z.string());

export interface AskRow {
  id: string;
  sessionId: string;
  turnId: string;
  callId: string;
  tool: string;
  input: unknown;
  summary: string;
  rule: string;
  rules: string[];
  status: AskStatus;
  reason: string | null;
  answeredBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
}

type Raw = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["permissionAsk"]["findFirst"]>>>;

/** A status written by another version reads as `cancelled`: never as pending or as a grant. */
function parse(row: Raw): AskRow {
  const status = statusSchema.safeParse(row.status);
  const rules = labelsSchema.safeParse(row.rules);
  return {
    ...row,
    status: status.success ? status.data : "cancelled",
    rules: rules.success ? rules.data : [],
  };
}

export async function createAsk(data: {
  sessionId: string;
  turnId: string;
  callId: string;
  tool: string;
  input: unknown;
  summary: string;
  rule: string;
  rules: string[];
  expiresAt: Date;
}): Promise<AskRow> {
  const row = await db().permissionAsk.create({
    data: { ...data, input: (data.input ?? null) as Prisma.InputJsonValue, status: "pending" },
  });
  return parse(row);
}

export async function findAsk(id: string): Promise<AskRow | null> {
  const row = await db().permissionAsk.findUnique({ where: { id } });
  return row ? parse(row) : null;
}

/** The session's asks still waiting and not yet expired, oldest first. */
export async function listPendingAsks(sessionId: string, now = new Date()): Promise<AskRow[]> {
  const rows = await db().permissionAsk.findMany({
    where: { sessionId, status: "pending", expiresAt: { gt: now } },
    orderBy: { createdAt: "asc" },
    take: 100,
  });
  return rows.map(parse);
}

/**
 * Moves a pending ask to its outcome; false when it was not pending (answered, timed out or
 * cancelled already) or, with `beforeExpiry`, when its time is up.
 */
export async function settleAsk(
  id: string,
  outcome: { status: Exclude<AskStatus, "pending">; reason?: string | null; by?: string | null },
  opts: { beforeExpiry?: Date } = {},
): Promise<boolean> {
  const { count } = await db().permissionAsk.updateMany({
    where: {
      id,
      status: "pending",
      ...(opts.beforeExpiry ? { expiresAt: { gt: opts.beforeExpiry } } : {}),
    },
    data: {
      status: outcome.status,
      reason: outcome.reason ?? null,
      answeredBy: outcome.by ?? null,
      answeredAt: new Date(),
    },
  });
  return count === 1;
}

/** Labels of the rules a person allowed for the rest of the session. */
export async function sessionGrants(sessionId: string): Promise<Set<string>> {
  const rows = await db().permissionAsk.findMany({
    where: { sessionId, status: "allowed_session" },
    select: { rules: true },
  });
  const labels = new Set<string>();
  for (const row of rows) {
    const parsed = labelsSchema.safeParse(row.rules);
    if (parsed.success) for (const label of parsed.data) labels.add(label);
  }
  return labels;
}

/** Asks since a time, answered or not, for the telemetry page (newest first, bounded). */
export async function listAsksSince(since: Date, limit = 10_000): Promise<AskRow[]> {
  const rows = await db().permissionAsk.findMany({
    where: { createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map(parse);
}
