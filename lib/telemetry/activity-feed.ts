/** The activity stream's server side: a request's filters, the cursor, and pages of rows. */
import "server-only";
import { z } from "zod";
import { type ActivityKey, type ActivityQuery, listActivity } from "@/lib/db/queries/activity";
import { ApiError } from "@/lib/errors";
import {
  ACTIVITY_KINDS,
  type ActivityKind,
  type ActivityPage,
  type ActivityRow,
  isActivityKind,
} from "./activity";
import { activitySummary } from "./activity-summary";
import { intParam, requestRange } from "./http";

const LIMIT = { fallback: 100, max: 1000 } as const;

const Kinds = z
  .string()
  .transform((raw) => [...new Set(raw.split(",").map((k) => k.trim()))].filter(Boolean))
  .pipe(z.array(z.enum(ACTIVITY_KINDS)).min(1));

const Cursor = z.tuple([z.iso.datetime(), z.enum(ACTIVITY_KINDS), z.string().min(1)]);

const Session = z.string().trim().min(1).max(200).optional();

function bad(message: string): never {
  throw new ApiError("bad_request", message);
}

/** `kinds=tool_call,friction`: which kinds to include (all when absent). */
function kindsParam(raw: string | null): readonly ActivityKind[] {
  if (raw === null) return ACTIVITY_KINDS;
  const parsed = Kinds.safeParse(raw);
  if (parsed.success) return parsed.data;
  const unknown = raw.split(",").filter((k) => k.trim() && !isActivityKind(k.trim()));
  const detail = unknown.length ? ` (unknown: ${unknown.slice(0, 3).join(", ").slice(0, 100)})` : "";
  bad(`kinds must be a comma-separated list of ${ACTIVITY_KINDS.join(", ")}${detail}.`);
}

/** The activity cursor: the last row's [at, kind, id] as base64url JSON. */
function encodeActivityCursor(row: Pick<ActivityRow, "at" | "kind" | "id">): string {
  return Buffer.from(JSON.stringify([row.at, row.kind, row.id])).toString("base64url");
}

function decodeActivityCursor(raw: string | null): ActivityKey | undefined {
  if (raw === null || raw === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    value = null;
  }
  const parsed = Cursor.safeParse(value);
  if (!parsed.success) bad("cursor is not one this API returned; pass nextCursor back unchanged.");
  const [at, kind, id] = parsed.data;
  return { at: new Date(at), kind, id };
}

/**
 * An activity request's filters: the range (`range`, or `since`/`until`), `kinds`, `session`, `limit`
 * and `cursor`. Each invalid one is a 400 that says what it accepts.
 */
export function activityQuery(request: Request): ActivityQuery {
  const params = new URL(request.url).searchParams;
  const range = requestRange(request);
  const session = Session.safeParse(params.get("session") || undefined);
  if (!session.success) bad("session must be a session id.");
  return {
    since: range.since,
    until: range.until,
    kinds: kindsParam(params.get("kinds")),
    sessionId: session.data,
    before: decodeActivityCursor(params.get("cursor")),
    limit: intParam(request, "limit", LIMIT.fallback, LIMIT.max),
  };
}

/** The stream's rows as the API returns them, each with its one line; `more` when rows remain after them. */
export async function activityRows(query: ActivityQuery): Promise<{ rows: ActivityRow[]; more: boolean }> {
  const { rows, more } = await listActivity(query);
  return { rows: rows.map((row) => ({ ...row, summary: activitySummary(row) })), more };
}

/** One page of the stream and the cursor of the next (null at the end). */
export async function activityPage(query: ActivityQuery): Promise<ActivityPage> {
  const { rows, more } = await activityRows(query);
  const last = rows.at(-1);
  return { rows, nextCursor: more && last ? encodeActivityCursor(last) : null };
}
