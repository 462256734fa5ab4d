import "server-only";
import { z } from "zod";
import { findSession } from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { sessionChanges, sessionCheckpoints } from "./service";
import { type FileChange, snapshot, storeFor, uncommittedChanges } from "./store";

export const changesQuerySchema = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("turn"), turn: z.coerce.number().int().min(1) }),
  z.object({ scope: z.literal("session") }),
  z.object({ scope: z.literal("git") }),
]);

export const revertSchema = z.object({
  turn: z.number().int().min(1),
  path: z.string().min(1).max(4096).optional(),
  hunk: z.number().int().min(0).optional(),
  force: z.boolean().optional(),
});

/** One file of GET /api/sessions/:id/changes. */
export interface ChangedFile {
  path: string;
  from?: string;
  status: FileChange["status"];
  additions: number;
  deletions: number;
  binary: boolean;
  diff: string;
}

export interface ChangesResponse {
  files: ChangedFile[];
  /** scope=git on a folder that is not a git repository (or has no commit yet). */
  notARepository?: true;
}

export async function changesView(
  sessionId: string,
  query: z.infer<typeof changesQuerySchema>,
): Promise<ChangesResponse> {
  if (query.scope !== "git") return { files: await sessionChanges(sessionId, query) };
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  const store = storeFor(env().dataDir, session.workspace);
  const now = await snapshot(store, `${sessionId}-view`, null, "view");
  const files = await uncommittedChanges(store, now.commit);
  return files === null ? { files: [], notARepository: true } : { files };
}

/** GET /api/sessions/:id/checkpoints */
export async function checkpointsView(sessionId: string) {
  return { checkpoints: await sessionCheckpoints(sessionId) };
}
export type CheckpointsResponse = Awaited<ReturnType<typeof checkpointsView>>;

/** POST /api/sessions/:id/revert: the files put back (200), or those changed by hand since (409). */
export interface RevertDone {
  restored: string[];
}
export interface RevertConflict {
  conflicts: string[];
}
