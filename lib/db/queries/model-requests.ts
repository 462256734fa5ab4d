import { z } from "zod";
import { db } from "../client";
import { Prisma } from "../generated/sqlite/client";

/** The stored skeleton of a request: a JSON object (lib/model/request-record.ts). */
const skeletonSchema = z.record(z.string(), z.unknown());

export interface ModelRequestRow {
  id: string;
  sessionId: string;
  turnId: string | null;
  step: number;
  skeleton: Record<string, unknown>;
  bytes: number;
  createdAt: Date;
}

/**
 * One request: its blobs written once each (a blob already stored is only marked used now, in the
 * same statement: `ON CONFLICT` is the same on both providers), then the skeleton that points at them.
 */
export async function saveModelRequest(
  row: Omit<ModelRequestRow, "id" | "createdAt">,
  blobs: Map<string, string>,
  now = new Date(),
): Promise<void> {
  const tuples = [...blobs].map(([hash, text]) => Prisma.sql`(${hash}, ${text}, ${now})`);
  await db().$transaction([
    ...(tuples.length > 0
      ? [
          db().$executeRaw`INSERT INTO "RequestBlob" ("hash", "text", "usedAt") VALUES ${Prisma.join(tuples)}
            ON CONFLICT ("hash") DO UPDATE SET "usedAt" = excluded."usedAt"`,
        ]
      : []),
    db().modelRequest.create({
      data: { ...row, skeleton: row.skeleton as Prisma.InputJsonValue, createdAt: now },
    }),
  ]);
}

/** A session's requests, oldest first, without their bodies. */
export function listModelRequests(sessionId: string) {
  return db().modelRequest.findMany({
    where: { sessionId },
    orderBy: { createdAt: "asc" },
    select: { id: true, turnId: true, step: true, bytes: true, createdAt: true },
  });
}

/** One request of a session with its skeleton; null when there is none (or it is another session's). */
export async function findModelRequest(sessionId: string, id: string): Promise<ModelRequestRow | null> {
  const row = await db().modelRequest.findFirst({ where: { id, sessionId } });
  if (!row) return null;
  const skeleton = skeletonSchema.safeParse(row.skeleton);
  return { ...row, skeleton: skeleton.success ? skeleton.data : {} };
}

export async function readRequestBlobs(hashes: string[]): Promise<Map<string, string>> {
  if (hashes.length === 0) return new Map();
  const rows = await db().requestBlob.findMany({ where: { hash: { in: hashes } } });
  return new Map(rows.map((r) => [r.hash, r.text]));
}

/**
 * Drops what is older than `before`: requests made before it, and blobs no request has used since
 * (a kept request is newer, and marked each blob it uses when it was saved).
 */
export async function pruneModelRequests(before: Date): Promise<{ requests: number; blobs: number }> {
  const requests = await db().modelRequest.deleteMany({ where: { createdAt: { lt: before } } });
  const blobs = await db().requestBlob.deleteMany({ where: { usedAt: { lt: before } } });
  return { requests: requests.count, blobs: blobs.count };
}
