import { db } from "../client";
import type { Prisma } from "../generated/sqlite/client";

export type OpportunityStatus = "todo" | "in_progress" | "done" | "dropped";

/** A card's own fields (what lib/learning/opportunities-md.ts validates and writes as Markdown). */
export interface OpportunityFields {
  title: string;
  what: string;
  why: string;
  successCriteria: string;
  impact: "H" | "M" | "L";
  effort: "S" | "M" | "L";
  status: OpportunityStatus;
  dropReason?: string | null;
}

export function listOpportunities() {
  return db().opportunity.findMany({
    orderBy: [{ status: "asc" }, { position: "asc" }, { createdAt: "asc" }],
  });
}

export function findOpportunity(id: string) {
  return db().opportunity.findUnique({ where: { id } });
}

/** New cards go to the bottom of their column. */
export async function createOpportunity(
  data: Partial<OpportunityFields> & {
    title: string;
    evidence?: Prisma.InputJsonValue;
    runId?: string | null;
  },
) {
  const status = data.status ?? "todo";
  const last = await db().opportunity.findFirst({ where: { status }, orderBy: { position: "desc" } });
  return db().opportunity.create({
    data: {
      title: data.title,
      what: data.what ?? "",
      why: data.why ?? "",
      successCriteria: data.successCriteria ?? "",
      impact: data.impact ?? "M",
      effort: data.effort ?? "M",
      status,
      dropReason: data.dropReason ?? null,
      position: (last?.position ?? 0) + 1,
      runId: data.runId ?? null,
      ...(data.evidence !== undefined ? { evidence: data.evidence } : {}),
    },
  });
}

export function updateOpportunity(
  id: string,
  data: Partial<OpportunityFields> & { position?: number; evidence?: Prisma.InputJsonValue },
) {
  return db().opportunity.update({ where: { id }, data });
}

export function deleteOpportunity(id: string) {
  return db().opportunity.delete({ where: { id } });
}

/** Open cards age by one pass; the board flags those carried over 2+ passes. */
export function ageOpenOpportunities() {
  return db().opportunity.updateMany({
    where: { status: { in: ["todo", "in_progress"] } },
    data: { passesCarried: { increment: 1 } },
  });
}

/** Open small-effort cards: the battery change must act on the best of them. */
/** Small-effort cards still open: to do, and in progress (started is not finished). */
export function listSmallOpenOpportunities() {
  return db().opportunity.findMany({ where: { status: { in: ["todo", "in_progress"] }, effort: "S" } });
}

/** Cards on the open board (to do, in progress). */
export function countOpenOpportunities() {
  return db().opportunity.count({ where: { status: { in: ["todo", "in_progress"] } } });
}

/** The open board (to do, in progress), as a battery change reads it. */
export function listOpenOpportunities(take: number) {
  return db().opportunity.findMany({
    where: { status: { in: ["todo", "in_progress"] } },
    orderBy: [{ status: "asc" }, { position: "asc" }],
    take,
  });
}

/** Cards created or changed since a time (a battery change's results). */
export function listOpportunitiesChangedSince(since: Date) {
  return db().opportunity.findMany({
    where: { updatedAt: { gte: since } },
    select: { id: true, title: true, status: true, effort: true, createdAt: true },
  });
}
