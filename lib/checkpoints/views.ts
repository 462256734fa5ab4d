import "server-only";
import { z } from "zod";
import { ApiError } from "@/lib/errors";
import {
  type ChangesScope,
  scopeChanges,
  scopeFileChange,
  sessionCheckpoints,
  sessionTurns,
} from "./service";
import type { FileChange, FileChangeDetail } from "./store";

/** Query flags are strings: `1`/`true` and `0`/`false`. */
const flag = z
  .enum(["1", "true", "0", "false"])
  .optional()
  .transform((v) => v === "1" || v === "true");

const changesOptions = {
  /** One file's change, with both sides' text (the Changes panel loads a file's diff on demand). */
  path: z.string().min(1).max(4096).optional(),
  /** The files and their counts without the unified diffs. */
  summary: flag,
};

export const changesQuerySchema = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("turn"), turn: z.coerce.number().int().min(1), ...changesOptions }),
  z.object({ scope: z.literal("session"), ...changesOptions }),
  z.object({ scope: z.literal("git"), ...changesOptions }),
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
  /** The path before a rename. */
  from?: string;
  status: FileChange["status"];
  additions: number;
  deletions: number;
  binary: boolean;
  /** The unified diff (empty for a binary file); left out with `summary=1`. */
  diff: string;
}

/** A file larger than the checkpoint's size cap: not recorded, so not in any diff. */
export interface SkippedFile {
  path: string;
  bytes: number;
}

export interface ChangesResponse {
  files: ChangedFile[];
  /** Large files the compared checkpoints left out (changes to them are not shown). */
  skipped: SkippedFile[];
  /** scope=git on a folder that is not a git repository (or has no commit yet). */
  notARepository?: true;
}

/** With `summary=1`: the same files without their diffs. */
export interface ChangesSummary {
  files: Omit<ChangedFile, "diff">[];
  skipped: SkippedFile[];
  notARepository?: true;
}

/** With `path=`: that one file, and the text of both sides (null where absent, binary or too large). */
export interface FileChangeResponse {
  file: ChangedFile & { before: string | null; after: string | null; tooLarge: boolean };
  skipped: SkippedFile[];
}

/** The scope alone (a parsed query carries its options too). */
function scopeOf(query: ChangesScope): ChangesScope {
  return query.scope === "turn" ? { scope: "turn", turn: query.turn } : { scope: query.scope };
}

function shown(file: FileChange): ChangedFile {
  const { path, from, status, additions, deletions, binary, diff } = file;
  return { path, ...(from !== undefined ? { from } : {}), status, additions, deletions, binary, diff };
}

/** GET /api/sessions/:id/changes */
export async function changesView(sessionId: string, query: ChangesScope): Promise<ChangesResponse> {
  const changes = await scopeChanges(sessionId, scopeOf(query));
  if (changes.kind === "not-a-repository") return { files: [], skipped: [], notARepository: true };
  if (changes.kind === "none") return { files: [], skipped: [] };
  return { files: changes.files.map(shown), skipped: changes.skipped };
}

/** GET /api/sessions/:id/changes?summary=1 */
export async function changesSummaryView(sessionId: string, query: ChangesScope): Promise<ChangesSummary> {
  const changes = await scopeChanges(sessionId, scopeOf(query), { patch: false });
  if (changes.kind === "not-a-repository") return { files: [], skipped: [], notARepository: true };
  if (changes.kind === "none") return { files: [], skipped: [] };
  return { files: changes.files.map((file) => withoutDiff(shown(file))), skipped: changes.skipped };
}

function withoutDiff({ diff: _diff, ...file }: ChangedFile): Omit<ChangedFile, "diff"> {
  return file;
}

/** GET /api/sessions/:id/changes?path=… */
export async function fileChangeView(
  sessionId: string,
  query: ChangesScope,
  path: string,
): Promise<FileChangeResponse> {
  const changes = await scopeFileChange(sessionId, scopeOf(query), path);
  if (changes.kind === "not-a-repository")
    throw new ApiError("not_found", "The workspace is not a git repository with a commit.");
  const detail: FileChangeDetail | null = changes.kind === "changes" ? changes.files : null;
  if (!detail) throw new ApiError("not_found", `No change to ${path} in this scope.`);
  return {
    file: { ...shown(detail), before: detail.before, after: detail.after, tooLarge: detail.tooLarge },
    skipped: changes.kind === "changes" ? changes.skipped : [],
  };
}

/** GET /api/sessions/:id/checkpoints: the checkpoints, and the turns they belong to. */
export async function checkpointsView(sessionId: string) {
  const [checkpoints, turns] = await Promise.all([sessionCheckpoints(sessionId), sessionTurns(sessionId)]);
  return { checkpoints, turns };
}
export type CheckpointsResponse = Awaited<ReturnType<typeof checkpointsView>>;
export type SessionCheckpoint = CheckpointsResponse["checkpoints"][number];
export type SessionTurn = CheckpointsResponse["turns"][number];

/** POST /api/sessions/:id/revert: the files put back (200), or those changed by hand since (409). */
export interface RevertDone {
  restored: string[];
}
export interface RevertConflict {
  conflicts: string[];
}
