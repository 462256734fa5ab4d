import "server-only";
import { type LearningRows, learningRows } from "@/lib/db/queries/telemetry";
import { processState } from "@/lib/process-state";

/**
 * The learning loop and spend (learningRows), kept for a few seconds. Their statement reads eight
 * small tables and took ≈ 100 ms of CPU at 10M calls (320–390 ms wall on a loaded machine), ten
 * times the rest of a warm render; ≈ 40 ms since its counts use index seeks instead of sorts. Unlike tool calls these rows change after they are written (a
 * session's tokens and status, a turn completing, a reflection, a lesson's use count), and no index
 * tells cheaply whether any of them changed since a time, on either database, for writes of another
 * instance too. So the freshness check is the age: figures younger than FRESH_MS are served as they
 * are; older ones are served once more while a recomputation runs in the background, and never
 * when older than MAX_AGE_MS (then the render waits for them). A page rendered while an agent works
 * is at most FRESH_MS plus one recomputation behind; a turn that ends in this process forgets the
 * kept figures (lib/agent/turn/finish.ts), so its own session is counted at once.
 */
const FRESH_MS = 5_000;
const MAX_AGE_MS = 60_000;

interface Entry {
  key: string;
  /** The range end the figures were read with, and when (real clock). */
  until: number;
  at: number;
  rows: LearningRows;
  refreshing: Promise<void> | null;
}

const state = processState("telemetry.learning", () => ({ entry: null as Entry | null, generation: 0 }));

/** learningRows(since, until, recentSessions), served from the kept figures when they are fresh enough. */
export async function learningFigures(
  since: Date,
  until: Date,
  recentSessions: number,
): Promise<LearningRows> {
  const key = `${since.getTime()}:${recentSessions}`;
  const s = state();
  const entry = s.entry;
  const age = entry ? Date.now() - entry.at : Number.POSITIVE_INFINITY;
  // a range ending before the kept figures were read (a caller's `now` in the past) is read as asked
  if (!entry || entry.key !== key || until.getTime() < entry.until || age >= MAX_AGE_MS) {
    return compute(key, since, until, recentSessions);
  }
  if (age >= FRESH_MS && !entry.refreshing) {
    entry.refreshing = compute(key, since, until, recentSessions).then(
      () => undefined,
      (error) => {
        entry.refreshing = null;
        console.error("[ratchet] telemetry: the learning loop figures were not refreshed", error);
      },
    );
  }
  return entry.rows;
}

async function compute(key: string, since: Date, until: Date, recentSessions: number): Promise<LearningRows> {
  const s = state();
  const generation = s.generation;
  const at = Date.now();
  const rows = await learningRows(since, until, recentSessions);
  if (generation === s.generation) s.entry = { key, until: until.getTime(), at, rows, refreshing: null };
  return rows;
}

/** Resolves when a background recomputation started by a render has finished (for tests and benches). */
export async function learningRefreshed(): Promise<void> {
  await state().entry?.refreshing;
}

/** Forgets the kept figures (a session deleted, a reset): the next render reads them again. */
export function forgetLearningFigures(): void {
  const s = state();
  s.generation++;
  s.entry = null;
}
