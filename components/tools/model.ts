/** Pure helpers for the Tools page: grouping, which version is under review, what a person may do. */
import type { ToolListItem, ToolStatus, ToolVersionDetail, ToolVersionUse } from "@/lib/tools/views";

export function shortSha(sha: string | null | undefined, length = 8): string {
  return sha ? sha.slice(0, length) : "—";
}

export interface ToolGroups {
  /** Tools with at least one version waiting for a decision. */
  pending: ToolListItem[];
  /** Agent- and user-written tools with nothing pending: active, retired, rejected, failed validation. */
  toolbox: ToolListItem[];
  builtin: ToolListItem[];
  /** Versions waiting for a decision, across all tools. */
  pendingCount: number;
}

const TOOLBOX_ORDER: Record<ToolListItem["status"], number> = {
  active: 0,
  proposed: 1,
  invalid: 2,
  rejected: 3,
  retired: 4,
};

export function groupTools(tools: ToolListItem[]): ToolGroups {
  const written = tools.filter((t) => t.origin !== "builtin");
  const byName = (a: ToolListItem, b: ToolListItem) => a.name.localeCompare(b.name);
  const pending = written.filter((t) => t.pending > 0).sort(byName);
  const toolbox = written
    .filter((t) => t.pending === 0)
    .sort((a, b) => TOOLBOX_ORDER[a.status] - TOOLBOX_ORDER[b.status] || byName(a, b));
  return {
    pending,
    toolbox,
    builtin: tools.filter((t) => t.origin === "builtin").sort(byName),
    pendingCount: pending.reduce((sum, t) => sum + t.pending, 0),
  };
}

/**
 * The version a person reviews by default: the newest proposal if one is waiting, else the active
 * version, else the newest. `requested` (from the URL) wins when it exists.
 */
export function versionUnderReview(
  versions: ToolVersionDetail[],
  requested: number | null,
): ToolVersionDetail | undefined {
  if (requested !== null) {
    const match = versions.find((v) => v.version === requested);
    if (match) return match;
  }
  return (
    versions.find((v) => v.status === "proposed") ??
    versions.find((v) => v.status === "active") ??
    versions[0]
  );
}

/** Only a version that was approved once (then replaced or retired) can be made active again. */
export function canRollBack(v: Pick<ToolVersionDetail, "status" | "decidedAt">): boolean {
  return (v.status === "superseded" || v.status === "retired") && v.decidedAt !== null;
}

export const STATUS_HELP: Record<ToolStatus, string> = {
  proposed: "Passed validation; waiting for a person to approve or reject it",
  invalid: "Failed validation; the agent has to propose a fixed version",
  active: "Approved: every session can call it",
  superseded: "Replaced by a newer approved version",
  rejected: "Rejected by a person; the reason went back to the agent",
  retired: "Retired: no session is offered it any more",
};

/**
 * Whether a call was a trial: made by the proposing session before anyone approved the version.
 * A version never approved had only trial calls; a retired one no longer knows when it was approved.
 */
export function isTrialCall(
  call: { createdAt: string; sessionId: string | null },
  version: Pick<ToolVersionDetail, "status" | "decidedAt" | "sessionId">,
): boolean {
  if (version.status === "proposed" || version.status === "rejected" || version.status === "invalid")
    return true;
  if (version.status === "retired" || !version.decidedAt || !version.sessionId) return false;
  return call.sessionId === version.sessionId && Date.parse(call.createdAt) < Date.parse(version.decidedAt);
}

/** `/tools?name=x&version=n` — linkable and reloadable. */
export function toolHref(name: string, version?: number): string {
  const params = new URLSearchParams({ name });
  if (version !== undefined) params.set("version", String(version));
  return `/tools?${params.toString()}`;
}

export function parseVersionParam(value: string | null): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 ? n : null;
}

export interface UseVerdict {
  tone: "none" | "good" | "bad";
  /** One sentence for the approval card. */
  text: string;
  /** Approving asks again: the version failed in real calls, whatever validation said. */
  confirm: boolean;
}

/**
 * What a version's real calls say next to its validation: validation runs only the examples the
 * agent wrote, so a tool can pass them and fail every real call.
 */
export function verdictOfUse(use: ToolVersionUse, trial: boolean): UseVerdict {
  const calls = trial ? "trial call" : "call";
  const plural = (n: number) => `${n} ${calls}${n === 1 ? "" : "s"}`;
  if (use.calls === 0)
    return {
      tone: "none",
      text: trial ? "Not tried in a session yet: only its examples have run." : "Not called yet.",
      confirm: false,
    };
  if (use.failures === 0)
    return {
      tone: "good",
      text: `Worked in ${use.calls === 1 ? "its 1" : `all ${use.calls}`} ${calls}${use.calls === 1 ? "" : "s"}.`,
      confirm: false,
    };
  const rate = Math.round((use.successes / use.calls) * 100);
  return {
    tone: "bad",
    text: `Failed in ${use.failures} of ${plural(use.calls)} (${rate} % succeeded).`,
    confirm: true,
  };
}
