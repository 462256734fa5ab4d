import "server-only";
import { findModelRequest, listModelRequests, readRequestBlobs } from "@/lib/db/queries/model-requests";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { joinRequest, referencedHashes, viewRequest } from "./request-record";

/** What the client sees of the model requests a session's turns sent (GET /api/sessions/:id/requests). */

/** One request of the list: enough to pick it. */
export interface ModelRequestSummary {
  id: string;
  turnId: string | null;
  step: number;
  createdAt: string;
  /** The body's size as it was sent. */
  bytes: number;
}

/** A part of a request: a system message, a tool offered, a message of the history. */
export interface ModelRequestSection {
  label: string;
  text: string;
  /** Estimated (≈4 characters a token). */
  tokens: number;
}

export interface ModelRequestView extends ModelRequestSummary {
  model: string;
  system: ModelRequestSection[];
  tools: ModelRequestSection[];
  messages: ModelRequestSection[];
  /** Everything else the request carried (sampling, limits, stream options). */
  params: Record<string, unknown>;
  tokens: { system: number; tools: number; messages: number };
}

async function requireSession(sessionId: string): Promise<void> {
  if (!(await findSession(sessionId))) throw new ApiError("not_found", `No session ${sessionId}.`);
}

export async function requestsView(sessionId: string): Promise<{ requests: ModelRequestSummary[] }> {
  await requireSession(sessionId);
  const rows = await listModelRequests(sessionId);
  return { requests: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
}

export async function requestView(sessionId: string, id: string): Promise<ModelRequestView> {
  await requireSession(sessionId);
  const row = await findModelRequest(sessionId, id);
  if (!row) throw new ApiError("not_found", `No model request ${id} in session ${sessionId}.`);
  const blobs = await readRequestBlobs(referencedHashes(row.skeleton));
  const meta = { id: row.id, turnId: row.turnId, step: row.step, bytes: row.bytes };
  return viewRequest({ ...meta, createdAt: row.createdAt.toISOString() }, joinRequest(row.skeleton, blobs));
}
