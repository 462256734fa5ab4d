import type { Opportunity } from "@/lib/db/generated/sqlite/client";

/** Cards carried over two or more passes are flagged on the board: the deferral bmo suffered from. */
export function opportunityView(o: Opportunity) {
  return {
    id: o.id,
    title: o.title,
    what: o.what,
    why: o.why,
    successCriteria: o.successCriteria,
    impact: o.impact,
    effort: o.effort,
    status: o.status,
    dropReason: o.dropReason,
    position: o.position,
    evidence: o.evidence,
    runId: o.runId,
    passesCarried: o.passesCarried,
    carriedOver: o.passesCarried >= 2 && (o.status === "todo" || o.status === "in_progress"),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
