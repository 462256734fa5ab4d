import type { StoredPart } from "@/lib/agent/parts";
import { db, type Prisma } from "../client";

export function createMessage(data: {
  sessionId: string;
  turnId?: string;
  role: "user" | "assistant";
  parts: StoredPart[];
}) {
  return db().message.create({
    data: {
      sessionId: data.sessionId,
      turnId: data.turnId,
      role: data.role,
      parts: {
        create: data.parts.map((p, idx) => ({
          idx,
          type: p.type,
          data: p as unknown as Prisma.InputJsonValue,
        })),
      },
    },
  });
}

/** Writes (or rewrites) one part of a message at a position. */
export function upsertPart(messageId: string, idx: number, part: StoredPart) {
  const data = part as unknown as Prisma.InputJsonValue;
  return db().part.upsert({
    where: { messageId_idx: { messageId, idx } },
    create: { messageId, idx, type: part.type, data },
    update: { type: part.type, data },
  });
}

export function listMessages(sessionId: string) {
  return db().message.findMany({
    where: { sessionId },
    orderBy: { createdAt: "asc" },
    include: { parts: { orderBy: { idx: "asc" } } },
  });
}

/** Tool parts a dead server left "running" become errors, so the transcript says what happened. */
export async function failRunningToolParts(sessionId: string, reason: string): Promise<void> {
  const parts = await db().part.findMany({ where: { type: "tool", message: { sessionId } } });
  for (const part of parts) {
    const data = part.data as unknown as StoredPart;
    if (data.type === "tool" && data.state === "running") {
      await upsertPart(part.messageId, part.idx, { ...data, state: "error", output: reason });
    }
  }
}
