/**
 * What the sessions routes answer (app/api/sessions/**). The types are the contract the browser
 * reads: components import them with `import type`, so a change here breaks their build.
 */
import "server-only";
import { parseTierOverride } from "@/lib/agent/tiers";
import { listMessages } from "@/lib/db/queries/messages";
import { findReflection, type ReflectionStatus, type ReflectionTrigger } from "@/lib/db/queries/reflections";
import { findSession, listSessions } from "@/lib/db/queries/sessions";
import type { StoredPart } from "@/lib/db/schemas/parts";
import { ApiError } from "@/lib/errors";
import type { SessionStatus } from "@/lib/events/types";
import { loadModelConfig } from "@/lib/settings/model-config";
import type { BranchSync } from "@/lib/workspaces/branch-sync";

/** POST /api/sessions/:id/sync-branch: where the worktree session's branch now is in its repository. */
export type BranchSynced = BranchSync;

// Status columns are plain strings in the database; only these values are ever written to them.
const sessionStatus = (status: string) => status as SessionStatus;

/** What a transcript shows of a message: its text and tool parts (reasoning stays on the server). */
type ShownPart = Exclude<StoredPart, { type: "reasoning" }>;

/**
 * GET /api/sessions: the newest 200, most recently active first; archived ones only when asked
 * for (and then only those), `q` matching the title or the folder.
 */
export async function sessionList(opts: { q?: string; archived?: boolean } = {}) {
  const sessions = await listSessions({ q: opts.q?.slice(0, 200), archived: opts.archived });
  return {
    sessions: sessions.map((s) => ({
      id: s.id,
      title: s.title,
      status: sessionStatus(s.status),
      workspace: s.workspace,
      costUsd: s.costUsd,
      archived: s.archivedAt !== null,
      branch: s.branch,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    })),
  };
}
export type SessionList = Awaited<ReturnType<typeof sessionList>>;
export type SessionSummary = SessionList["sessions"][number];

/** GET /api/sessions/:id: the contract's session shape, plus live counters, messages and the reflection. */
export async function sessionView(id: string) {
  const session = await findSession(id);
  if (!session) throw new ApiError("not_found", `No session ${id}.`);
  const [messages, reflection, config] = await Promise.all([
    listMessages(id),
    findReflection(id),
    loadModelConfig(),
  ]);
  return {
    id: session.id,
    kind: session.kind as "agent" | "maintenance",
    title: session.title,
    status: sessionStatus(session.status),
    statusNote: session.statusNote,
    workspace: session.workspace,
    model: session.model,
    inputTokens: session.inputTokens,
    outputTokens: session.outputTokens,
    costUsd: session.costUsd,
    budgetUsd: session.budgetUsd,
    /** auto, fast or strong (lib/agent/tiers.ts); read by allowlist, anything else is auto. */
    tierOverride: parseTierOverride(session.tierOverride),
    /** The two models when tiers are set in Settings (a strong model named), else null. */
    tiers: config.tiers.strong ? { fast: config.tiers.fast, strong: config.tiers.strong } : null,
    archived: session.archivedAt !== null,
    /** The session this one was forked from (it may have been deleted since). */
    forkedFrom: session.forkedFrom,
    /** A worktree session: the checkout its worktree was made from, and the branch it works on. */
    worktreeOf: session.worktreeOf,
    branch: session.branch,
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
    messages: messages.map((m) => ({
      id: m.id,
      role: m.role as "user" | "assistant",
      createdAt: m.createdAt.toISOString(),
      parts: m.parts.map((p) => p.data).filter((p): p is ShownPart => p.type !== "reasoning"),
    })),
    reflection: reflection
      ? {
          status: reflection.status as ReflectionStatus,
          trigger: reflection.trigger as ReflectionTrigger,
          summary: reflection.summary,
          wentWell: reflection.wentWell,
          slow: reflection.slow,
          nextTime: reflection.nextTime,
          error: reflection.error,
          updatedAt: reflection.updatedAt.toISOString(),
        }
      : null,
  };
}
export type SessionDetail = Awaited<ReturnType<typeof sessionView>>;
export type SessionMessage = SessionDetail["messages"][number];
export type SessionReflection = NonNullable<SessionDetail["reflection"]>;

/** POST /api/sessions and POST /api/sessions/:id/fork: the turn the task started, if one was given. */
export interface SessionCreated {
  id: string;
  turnId: string | null;
}

/** DELETE /api/sessions/:id. */
export interface SessionDeleted {
  id: string;
  deleted: true;
}

/** POST /api/sessions/:id/messages: the turn started for the message (202). */
export interface TurnAccepted {
  turnId: string;
}

/** POST /api/sessions/:id/cancel: false when no turn was running. */
export interface TurnCancelled {
  cancelled: boolean;
}

/** POST /api/sessions/:id/end. */
export interface SessionEnded {
  id: string;
  status: "ended";
}

/** POST /api/sessions/:id/reflect: the reflection runs in the background (202). */
export interface ReflectionQueued {
  queued: true;
}
