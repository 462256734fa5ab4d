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

export function findLearningEvent(id: string) {
  return db().learningEvent.findUnique({ where: { id } });
}

export function updateLearningEvent(
  id: string,
  data: { type?: "correction" | "preference" | "pattern"; description?: string; context?: string | null },
) {
  return db().learningEvent.update({ where: { id }, data });
}

export function deleteLearningEvent(id: string) {
  return db().learningEvent.delete({ where: { id } });
}
