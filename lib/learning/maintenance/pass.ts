import { z } from "zod";
import { listHypothesesSince } from "@/lib/db/queries/hypotheses";
import {
  countMaintenanceRuns,
  createMaintenanceRun,
  findMaintenanceRun,
  findRunBySession,
  finishMaintenanceRun,
  lastMaintenanceRun,
  sessionsSinceLastPass,
} from "@/lib/db/queries/maintenance";
import {
  ageOpenOpportunities,
  findOpportunity,
  listOpenOpportunities,
  listOpportunitiesChangedSince,
} from "@/lib/db/queries/opportunities";
import { listSuccessfulReflectionsSince } from "@/lib/db/queries/reflections";
import { createSession } from "@/lib/db/queries/sessions";
import { readSetting, type SettingsSnapshot, writeSettings } from "@/lib/db/queries/settings";
import { listAgentToolVersionsSince } from "@/lib/db/queries/tool-versions";
import { workingMemoryVersionOfRun } from "@/lib/db/queries/working-memory";
import type { MaintenanceAnalysis } from "@/lib/db/schemas/maintenance";
import { ApiError } from "@/lib/errors";
import type { TurnStatus } from "@/lib/events/types";
import { loadModelConfig } from "@/lib/settings/model-config";
import { workspaceForNewSession } from "@/lib/workspaces/session";
import { analysisForPrompt, analyzeForMaintenance } from "./analysis";

export const MAINTENANCE_SETTINGS_KEY = "learning.maintenance";
export const maintenanceSettingsSchema = z.object({
  /** Completed sessions between passes. */
  threshold: z.number().int().min(1).max(1000).default(10),
  stepLimit: z.number().int().min(5).max(500).default(40),
  budgetUsd: z.number().positive().max(1000).nullable().default(2),
  /** The banner stays away until this many sessions since the last pass. */
  snoozedUntil: z.number().int().min(0).nullable().default(null),
});
export type MaintenanceSettings = z.infer<typeof maintenanceSettingsSchema>;

export async function loadMaintenanceSettings(from?: SettingsSnapshot): Promise<MaintenanceSettings> {
  return (
    (await readSetting(MAINTENANCE_SETTINGS_KEY, maintenanceSettingsSchema, from)) ??
    maintenanceSettingsSchema.parse({})
  );
}

/**
 * What a battery change needs of the turns, which run above the learning loop: lib/agent passes
 * itself in (`agentTurns`), so nothing here imports it.
 */
export interface Turns {
  /** Sends a message in a session, as the composer would. */
  send(sessionId: string, text: string): Promise<{ turnId: string }>;
  /** Whether a turn of the session runs in this process. */
  running(sessionId: string): boolean;
}

export async function maintenanceStatus(turns: Pick<Turns, "running">) {
  const settings = await loadMaintenanceSettings();
  const since = await sessionsSinceLastPass();
  const last = await lastMaintenanceRun();
  const running = last?.status === "running" && last.sessionId ? turns.running(last.sessionId) : false;
  const dueAt = Math.max(settings.threshold, settings.snoozedUntil ?? 0);
  return {
    sessionsSinceLastPass: since,
    threshold: settings.threshold,
    due: since >= dueAt && !running,
    snoozed: settings.snoozedUntil !== null && since < settings.snoozedUntil,
    running,
    lastRun: last
      ? {
          id: last.id,
          sessionId: last.sessionId,
          status: last.status,
          startedAt: last.startedAt.toISOString(),
        }
      : null,
  };
}

/** Snooze the banner for another `sessions` completed sessions. */
export async function snoozeMaintenance(sessions = 3): Promise<void> {
  const settings = await loadMaintenanceSettings();
  const since = await sessionsSinceLastPass();
  await writeSettings({ [MAINTENANCE_SETTINGS_KEY]: { ...settings, snoozedUntil: since + sessions } });
}

export const PASS_INSTRUCTIONS = `You are running a battery change: a maintenance pass over this agent's own record. Work in this order:
1. Read the analysis below (computed by code) and the reflections. Inspect details with run_command if needed (the database is not readable; use what is given).
2. Act on the top small-effort item NOW: build it (propose_tool), move it to in_progress or done, or drop it with a reason (update_opportunity). Deferring it again is not allowed.
3. Add opportunities for what the evidence supports (add_opportunity), with what/why/success criteria; update or drop stale ones.
4. Propose tools for repeated command patterns and unconverted friction when they pay off (propose_tool, with examples). Attach a hypothesis to each improvement (record_hypothesis).
5. Rewrite the working memory (write_working_memory): sections Preferences, Pitfalls, Recurring patterns, Insights, Tool notes; ≤ 150 lines; keep what still holds.
Finish with a short summary of what you changed.`;

/** The maintenance session's extra prompt: instructions, analysis, reflections, board, memory. */
export async function maintenancePrompt(sessionId: string): Promise<string> {
  const run = await findRunBySession(sessionId);
  const analysis = run?.analysis;
  if (!analysis) return PASS_INSTRUCTIONS;
  const reflections = await listSuccessfulReflectionsSince(new Date(analysis.window.since ?? 0), 15);
  const board = await listOpenOpportunities(40);
  const sections = [PASS_INSTRUCTIONS, analysisForPrompt(analysis)];
  sections.push(
    `## Reflections since the last pass\n${
      reflections
        .map((r) => `- ${r.summary ?? ""}\n  slow: ${r.slow ?? ""}\n  next time: ${r.nextTime ?? ""}`)
        .join("\n") || "(none)"
    }`,
  );
  sections.push(
    `## Open opportunities\n${
      board
        .map(
          (o) =>
            `- [${o.id}] ${o.title} — ${o.status}, impact ${o.impact}, effort ${o.effort}${o.passesCarried >= 2 ? `, carried over ${o.passesCarried} passes` : ""}`,
        )
        .join("\n") || "(none)"
    }`,
  );
  return sections.join("\n\n");
}

type Send = Turns["send"];

/** Starts a battery change: analysis first (stored with the run), then a streamed maintenance session. */
export async function startMaintenancePass(turns: Turns): Promise<{ id: string; sessionId: string }> {
  const last = await lastMaintenanceRun();
  if (last?.status === "running" && last.sessionId && turns.running(last.sessionId))
    throw new ApiError("conflict", "A battery change is already running.");
  const settings = await loadMaintenanceSettings();
  // the default workspace, like a session started without a folder (never the app's own folder)
  const workspace = await workspaceForNewSession(undefined);
  const analysis = await analyzeForMaintenance();
  await ageOpenOpportunities();
  const config = await loadModelConfig();
  const count = await countMaintenanceRuns();
  const session = await createSession({
    title: `Battery change #${count + 1}`,
    workspace,
    budgetUsd: settings.budgetUsd,
    model: config.model,
    kind: "maintenance",
  });
  const run = await createMaintenanceRun(session.id, JSON.parse(JSON.stringify(analysis)));
  await writeSettings({ [MAINTENANCE_SETTINGS_KEY]: { ...settings, snoozedUntil: null } });
  await turns.send(session.id, "Change batteries: run the maintenance pass described in your instructions.");
  return { id: run.id, sessionId: session.id };
}

/** A stopped or failed pass keeps its partial results; resuming continues in the same session. */
export async function resumeMaintenancePass(
  id: string,
  turns: Turns,
): Promise<{ id: string; sessionId: string }> {
  const run = await findMaintenanceRun(id);
  if (!run?.sessionId) throw new ApiError("not_found", `No battery change ${id}.`);
  if (turns.running(run.sessionId)) throw new ApiError("conflict", "This battery change is running.");
  await finishMaintenanceRun(run.id, { status: "running" });
  await turns.send(run.sessionId, "Resume the battery change where you stopped; do not redo finished steps.");
  return { id: run.id, sessionId: run.sessionId };
}

type TopItem = MaintenanceAnalysis["topSmallItem"];

async function results(runId: string, startedAt: Date, top: TopItem | undefined) {
  const [opportunities, memoryVersion, proposals, hypotheses] = await Promise.all([
    listOpportunitiesChangedSince(startedAt),
    workingMemoryVersionOfRun(runId),
    listAgentToolVersionsSince(startedAt),
    listHypothesesSince(startedAt),
  ]);
  // the top item still where it stood (in progress, say) was not acted on, whatever else changed on it
  const acted = opportunities.filter(
    (o) =>
      o.effort === "S" &&
      o.status !== "todo" &&
      !(top && o.id === top.id && o.status === (top.status ?? "todo")),
  );
  return {
    workingMemoryVersion: memoryVersion,
    opportunities: opportunities.map((o) => ({
      id: o.id,
      title: o.title,
      status: o.status,
      created: o.createdAt >= startedAt,
    })),
    proposals,
    hypotheses,
    smallItemsActed: acted.length,
  };
}

/**
 * After each turn of a maintenance session: if the pass left the top small item untouched, the
 * harness asks once more (against deferral); otherwise the run is closed with its results.
 */
export async function afterMaintenanceTurn(sessionId: string, status: TurnStatus, send: Send): Promise<void> {
  const run = await findRunBySession(sessionId);
  if (!run) return;
  const top = run.analysis?.topSmallItem;
  const summary = await results(run.id, run.startedAt, top);
  const previous = run.results ?? {};
  if (status === "completed" && top && !previous.nudged) {
    const card = await findOpportunity(top.id);
    // untouched: still where it stood when the pass began (an in-progress item must be finished or dropped)
    if (card && card.status === (top.status ?? "todo")) {
      await finishMaintenanceRun(run.id, { status: "running", results: { ...summary, nudged: true } });
      await send(
        sessionId,
        `Before you finish: act on "${top.title}" [${top.id}] now. Build it (propose_tool), move it to in_progress or done, or drop it with a reason (update_opportunity). Deferring it again is not an option.`,
      );
      return;
    }
  }
  const final = status === "completed" ? "completed" : status === "cancelled" ? "cancelled" : "failed";
  await finishMaintenanceRun(run.id, {
    status: final,
    results: { ...summary, nudged: previous.nudged ?? false },
    smallItemsActed: summary.smallItemsActed,
  });
}
