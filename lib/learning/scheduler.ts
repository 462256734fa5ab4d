import { z } from "zod";
import {
  listPendingReflections,
  type ReflectionTrigger,
  sessionsIdleWithoutReflection,
} from "@/lib/db/queries/reflections";
import { readSetting } from "@/lib/db/queries/settings";
import { processState } from "@/lib/process-state";
import { queueReflection } from "./reflection";

export const REFLECTION_SETTINGS_KEY = "learning.reflection";
export const reflectionSettingsSchema = z.object({
  idleMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
});
export type ReflectionSettings = z.infer<typeof reflectionSettingsSchema>;

export async function loadReflectionSettings(): Promise<ReflectionSettings> {
  return (
    (await readSetting(REFLECTION_SETTINGS_KEY, reflectionSettingsSchema)) ??
    reflectionSettingsSchema.parse({})
  );
}

/** Queues a reflection for every session idle past the timeout; returns how many. */
export async function reflectIdleSessions(now = new Date()): Promise<number> {
  const { idleMinutes } = await loadReflectionSettings();
  const idle = await sessionsIdleWithoutReflection(new Date(now.getTime() - idleMinutes * 60_000));
  for (const { id } of idle) void queueReflection(id, "idle");
  return idle.length;
}

/** Finishes what a shutdown or crash left: reflections queued but never written. */
export async function resumePendingReflections(): Promise<number> {
  const pending = await listPendingReflections();
  for (const { sessionId, trigger } of pending) void queueReflection(sessionId, trigger as ReflectionTrigger);
  return pending.length;
}

const SCAN_MS = 60_000;

/** One timer per process, however often boot calls it. */
const scanTimer = processState("learning.reflectionTimer", () =>
  setInterval(() => {
    reflectIdleSessions().catch((error) => console.error("[ratchet] idle reflection scan failed", error));
  }, SCAN_MS).unref(),
);

export function startReflectionScheduler(): void {
  scanTimer();
}
