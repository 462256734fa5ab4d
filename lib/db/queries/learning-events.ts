import { db } from "../client";

export function createLearningEvent(data: {
  sessionId: string | null;
  type: "correction" | "preference" | "pattern";
  description: string;
  context: string | null;
  source: "agent" | "detector" | "user";
}) {
  return db().learningEvent.create({ data });
}

export function listLearningEvents(limit = 500) {
  return db().learningEvent.findMany({ orderBy: { createdAt: "desc" }, take: limit });
}
