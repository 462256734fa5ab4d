import { z } from "zod";
import { db } from "../client";
import { type Column, newRowId, writeRows } from "./insert-rows";

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

const BLOB_COLUMNS: readonly Column[] = [
  ["hash", "string"],
  ["text", "string"],
  ["usedAt", "datetime"],
];

const REQUEST_COLUMNS: readonly Column[] = [
  ["id", "string"],
  ["sessionId", "string"],
  ["turnId", "string"],
  ["step", "int"],
  ["skeleton", "string"],
  ["bytes", "int"],
  ["createdAt", "datetime"],
];

/**
 * One request: its blobs written once each (a blob already stored is only marked used now, in the
 * same statement: `ON CONFLICT` is the same on both providers), then the skeleton that points at
 * them, in one transaction. Through the driver (writeRows): a blob can be a tool's 1 MiB of output.
 */
export async function saveModelRequest(
  row: Omit<ModelRequestRow, "id" | "createdAt">,
  blobs: Map<string, string>,
  now = new Date(),
): Promise<void> {
  await writeRows(
    {
      table: "RequestBlob",
      columns: BLOB_COLUMNS,
      rows: [...blobs].map(([hash, text]) => [hash, text, now]),
      onConflict: { key: ["hash"], update: ["usedAt"] },
    },
    {
      table: "ModelRequest",
      columns: REQUEST_COLUMNS,
      rows: [[newRowId(), row.sessionId, row.turnId, row.step, JSON.stringify(row.skeleton), row.bytes, now]],
    },
  );
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
