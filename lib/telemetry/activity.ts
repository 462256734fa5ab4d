/** The activity stream's kinds and row shapes. Plain data: safe to import in client code. */
import type { ActivityData, ActivityKind, StoredActivity } from "@/lib/db/queries/activity";

export type { ActivityData, ActivityKind };

export const ACTIVITY_KINDS = [
  "tool_call",
  "model_step",
  "skill_load",
  "friction",
  "learning",
  "reflection",
] as const satisfies readonly ActivityKind[];

export function isActivityKind(value: string): value is ActivityKind {
  return (ACTIVITY_KINDS as readonly string[]).includes(value);
}

/** A row of the stream as the API returns it: as stored, with one human-readable line. */
export type ActivityRow = StoredActivity & { summary: string };

export interface ActivityPage {
  rows: ActivityRow[];
  /** Pass as ?cursor= for the next (older) page; null at the end. */
  nextCursor: string | null;
}
