import "server-only";
import { pruneModelRequests, saveModelRequest } from "@/lib/db/queries/model-requests";
import { splitRequest } from "./request-record";

/** How long what the model saw is kept: requests older than this, and blobs none newer uses, go. */
export const REQUEST_RETENTION_DAYS = 14;

/** One request a turn's step sent, as it left (masked): split and stored (./request-record.ts). */
export function storeModelRequest(
  at: { sessionId: string; turnId: string | null; step: number },
  body: string,
): Promise<void> {
  const { skeleton, blobs, bytes } = splitRequest(body);
  return saveModelRequest({ ...at, skeleton, bytes }, blobs);
}

export function pruneOldRequests(now = new Date()) {
  return pruneModelRequests(new Date(now.getTime() - REQUEST_RETENTION_DAYS * 24 * 3600 * 1000));
}
