import { isStepCount, type ModelMessage, streamText } from "ai";
import { ApiError } from "@/lib/api/errors";
import { createMessage, listMessages, upsertPart } from "@/lib/db/queries/messages";
import { forgetProcess, recordProcess } from "@/lib/db/queries/processes";
import {
  addSessionUsage,
  findSession,
  finishTurn,
  setSessionStatus,
  startTurn,
} from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { appendEvent } from "@/lib/events/log";
import type { SessionEventBody, TurnStatus } from "@/lib/events/types";
import { captureFromUserMessage } from "@/lib/learning/capture";
import { FrictionMonitor, refreshToolP95 } from "@/lib/learning/friction-monitor";
import {
  afterMaintenanceTurn,
  loadMaintenanceSettings,
  maintenancePrompt,
  type Turns,
} from "@/lib/learning/maintenance/pass";
import { loadPromptMemory } from "@/lib/learning/prompt-memory";
import { queueReflection } from "@/lib/learning/reflection";
import { createLanguageModel, endpointOf } from "@/lib/model/client";
import { describeModelError } from "@/lib/model/errors";
import { costOf, findPrice, loadPrices } from "@/lib/model/prices";
import { modelSecrets } from "@/lib/model/request-masking";
import { createRetryingFetch, DEFAULT_RETRY } from "@/lib/model/retrying-fetch";
import { maskSecrets } from "@/lib/sandbox";
import { loadModelConfig, type ModelConfig } from "@/lib/settings/model-config";
import { suggestSkills } from "@/lib/skills/suggest";
import { refreshTelemetrySummary } from "@/lib/telemetry/prompt-summary";
import { flushTelemetry, recordModelStep } from "@/lib/telemetry/recorder";
import { WorkspaceRefusedError, workspaceForTurn } from "@/lib/workspaces/session";
import { activeTurns, type StopReason, stopTurn } from "./active-turns";
import { estimateTokens, fitToBudget } from "./context-budget";
import { toModelMessages } from "./history";
import { acquireTurnLease, releaseTurnLease } from "./lease";
import { parsePart, type StoredPart, type ToolPart } from "./parts";
import { buildSystemPrompt, loadPromptContext, type PromptContext } from "./system-prompt";
import {
  buildToolSet,
  installAgentTools,
  recordRejectedCall,
  type ToolSetDeps,
  type ToolSetHandle,
} from "./tool-set";
import { builtinToolsFor, describeReload, scanToolbox, type ToolboxSnapshot } from "./tools/registry";

/** Tokens kept free for the model's answer when fitting the conversation to its window. */
const OUTPUT_RESERVE = 8192;
/** How long a stopped turn waits for its tools to record their (killed) results. */
const SETTLE_MS = 5000;

interface TurnInput {
  sessionId: string;
  turnId: string;
  userText: string;
  kind: "agent" | "maintenance";
  /** As stored with the session; replaced by its checked real path when the turn starts. */
  workspace: string;
  budgetUsd: number | null;
  controller: AbortController;
  config: ModelConfig;
}

/** Starts a turn for a user message; the turn runs on the server whether or not anyone watches. */
export async function sendMessage(sessionId: string, text: string): Promise<{ turnId: string }> {
  const [session, config] = await Promise.all([findSession(sessionId), loadModelConfig()]);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  if (session.status === "ended") throw new ApiError("conflict", "This session has ended; start a new one.");
  if (session.budgetUsd !== null && session.costUsd >= session.budgetUsd) {
    throw new ApiError(
      "conflict",
      `The session's budget of $${session.budgetUsd.toFixed(2)} is spent; raise it to continue.`,
    );
  }
  if (!config.configured) {
    throw new ApiError(
      "not_configured",
      "No model is configured. Set an OpenAI-compatible endpoint in Settings.",
    );
  }
  const turns = activeTurns();
  // A message sent the moment the last turn showed "idle" waits for it to let go of the session.
  const previous = turns.get(sessionId);
  if (previous?.finishing) await previous.done;
  if (turns.has(sessionId)) throw new ApiError("conflict", "A turn is already running in this session.");
  const controller = new AbortController();
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Reserve the session before the first await so a second message is refused.
  const reservation = { turnId: "", controller, done };
  turns.set(sessionId, reservation);
  try {
    if (!(await acquireTurnLease(sessionId))) {
      throw new ApiError(
        "conflict",
        "A turn is already running in this session on another Ratchet instance.",
      );
    }
    const turn = await startTurn(sessionId);
    reservation.turnId = turn.id;
    const message = await createMessage({
      sessionId,
      turnId: turn.id,
      role: "user",
      parts: [{ type: "text", text }],
    });
    await appendEvent(sessionId, { type: "user-message", messageId: message.id, text });
    await setSessionStatus(sessionId, "running");
    await appendEvent(sessionId, { type: "status", status: "running" });
    const input: TurnInput = {
      sessionId,
      turnId: turn.id,
      userText: text,
      kind: session.kind === "maintenance" ? "maintenance" : "agent",
      workspace: session.workspace,
      budgetUsd: session.budgetUsd,
      controller,
      config,
    };
    // The turn's database reads hold the thread (better-sqlite3 is synchronous): the 202 goes first.
    void new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => runTurn(input))
      .catch((error): TurnStatus => {
        console.error("[ratchet] turn crashed", error);
        return "error";
      })
      .then(async (status) => {
        await releaseTurnLease(sessionId).catch((error) =>
          console.error("[ratchet] lease release failed", error),
        );
        turns.delete(sessionId);
        release();
        if (input.kind === "maintenance")
          void afterMaintenanceTurn(sessionId, status, sendMessage).catch((error) =>
            console.error("[ratchet] battery change bookkeeping failed", error),
          );
      });
    return { turnId: turn.id };
  } catch (error) {
    await releaseTurnLease(sessionId).catch(() => {});
    turns.delete(sessionId);
    release();
    throw error;
  }
}

export function cancelTurn(sessionId: string): Promise<boolean> {
  return stopTurn(sessionId, "user");
}

function stopReasonOf(sessionId: string): StopReason | undefined {
  return activeTurns().get(sessionId)?.stopReason;
}

async function loadHistory(sessionId: string): Promise<ModelMessage[]> {
  const stored = await listMessages(sessionId);
  return toModelMessages(
    stored.map((m) => ({
      role: m.role,
      parts: m.parts.map((p) => parsePart(p.data)).filter((p): p is StoredPart => p !== null),
    })),
  );
}

async function runTurn(input: TurnInput): Promise<TurnStatus> {
  const { sessionId, turnId, config, controller } = input;
  const emit = (body: SessionEventBody) => appendEvent(sessionId, body);
  // also what commands print is masked against these, the access token included
  const secrets = modelSecrets(config.apiKey);
  let assistantId: string | undefined;
  const parts: StoredPart[] = [];
  const savePart = (idx: number) => {
    const part = parts[idx];
    return part && assistantId ? upsertPart(assistantId, idx, part).then(() => undefined) : Promise.resolve();
  };
  const textParts = new Map<string, number>();
  let steps = 0;
  let status: TurnStatus = "completed";
  let failure: string | undefined;
  let warnedBudget = false;
  let promptStale = false;
  let toolSet: ToolSetHandle | undefined;
  let friction: FrictionMonitor | undefined;
  let nudged = false;
  let stepStartedAt = performance.now();
  // Until the model is called, a failure is Ratchet's own (a database or disk error), not the model's.
  let calledModel = false;
  let toolbox: ToolboxSnapshot | undefined;

  const deps: ToolSetDeps = {
    sessionId,
    turnId,
    secrets,
    emit,
    async addToolPart(part: ToolPart) {
      const idx = parts.push(part) - 1;
      await savePart(idx);
      return async (update) => {
        parts[idx] = { ...(parts[idx] as ToolPart), ...update };
        await savePart(idx);
      };
    },
    onCallFinished: async (call) => {
      await friction?.observe(call);
    },
    context: (callId, signal) => ({
      sessionId,
      turnId,
      callId,
      workspace: input.workspace,
      signal,
      secrets,
      emit,
      trackProcess: async (info) => {
        await recordProcess({ pgid: info.pgid, marker: info.marker, sessionId, turnId });
      },
      untrackProcess: async (marker) => {
        await forgetProcess(marker);
      },
      reload: async () => {
        const next = await scanToolbox(sessionId);
        const report = describeReload(toolbox ?? next, next);
        toolbox = next;
        promptStale = true;
        return report;
      },
    }),
  };

  try {
    // turn-start is the turn's first event, also when what follows fails
    const turnStarted = emit({ type: "turn-start", turnId, model: config.model });
    assistantId = (await createMessage({ sessionId, turnId, role: "assistant", parts: [] })).id;
    // before anything reads or runs there: the real folder, as allowed now (it may have become a
    // link elsewhere, or an upgrade made it forbidden); commands and the prompt use this path
    input.workspace = await workspaceForTurn(input.workspace);
    // Reading files, this lets the 202 go out before the database reads below, which hold the thread.
    const scanned = await scanToolbox(sessionId);
    toolbox = scanned;
    const skillHint = await suggestSkills(sessionId, turnId, input.userText, { skills: scanned.skills });
    const maintenance = input.kind === "maintenance";
    const toolDefs = builtinToolsFor(input.kind);
    // these reads do not depend on one another and run together (the prompt's context still after
    // the capture)
    const captured = captureFromUserMessage(sessionId, input.userText);
    const [, monitor, learned, context, stepLimit, memory, history, prices] = await Promise.all([
      turnStarted,
      FrictionMonitor.start(sessionId, turnId, emit),
      captured,
      captured.then(() => loadPromptContext(input.workspace)),
      maintenance ? loadMaintenanceSettings().then((s) => s.stepLimit) : config.stepLimit,
      loadPromptMemory(sessionId),
      loadHistory(sessionId),
      loadPrices(),
    ]);
    friction = monitor;
    if (learned) {
      await emit({
        type: "learning",
        learningType: learned.type,
        description: learned.description,
        source: "detector",
      });
      if (learned.type === "correction") await friction.correction(learned.phrase, input.userText);
    }
    let prefetched: PromptContext | undefined = context;
    const prompt = async () => {
      const base = await buildSystemPrompt({
        workspace: input.workspace,
        model: config.model,
        tools: toolDefs,
        toolbox: toolbox ?? scanned,
        memory,
        context: prefetched,
      });
      prefetched = undefined;
      const withHint = skillHint ? `${base}\n\n${skillHint}` : base;
      return maintenance ? `${withHint}\n\n${await maintenancePrompt(sessionId)}` : withHint;
    };
    let instructions = await prompt();
    const budget = Math.max(1024, config.contextWindow - OUTPUT_RESERVE - estimateTokens(instructions));
    const fitted = fitToBudget(history, budget);
    if (fitted.elidedOutputs || fitted.summarizedTurns) {
      await emit({
        type: "notice",
        level: "info",
        message: `Context trimmed for the model: ${fitted.elidedOutputs} old tool outputs elided, ${fitted.summarizedTurns} old turns summarized (the transcript is complete).`,
      });
    }
    const price = findPrice(prices, config.model);
    toolSet = buildToolSet(toolDefs, deps);
    installAgentTools(toolSet, toolbox.catalog, deps);
    const handle = toolSet;
    const { tools, started } = toolSet;
    const fetchImpl = createRetryingFetch({
      ...DEFAULT_RETRY,
      timeoutMs: env().RATCHET_MODEL_TIMEOUT_SECONDS * 1000,
      onRetry: ({ attempt, limit, delayMs, reason }) =>
        void emit({
          type: "retry",
          attempt,
          delayMs,
          message: `${reason}; retry ${attempt} of ${limit}`,
        }),
    });

    calledModel = true;
    const result = streamText({
      model: createLanguageModel(config, fetchImpl),
      instructions,
      messages: fitted.messages,
      tools,
      stopWhen: isStepCount(stepLimit),
      maxRetries: 0,
      abortSignal: controller.signal,
      onError: () => {},
      prepareStep: async ({ messages, stepNumber }) => {
        const overrides: { instructions?: string; messages?: ModelMessage[] } = {};
        if (promptStale) {
          instructions = await prompt();
          overrides.instructions = instructions;
          installAgentTools(handle, (toolbox ?? scanned).catalog, deps);
          promptStale = false;
        }
        // structure over vigilance: friction the harness saw reaches the very next model call
        const nudge = friction?.takeNudge();
        if (nudge) {
          overrides.instructions = `${instructions}\n\n${nudge}`;
          nudged = true;
        } else if (nudged) {
          overrides.instructions = instructions;
          nudged = false;
        }
        if (stepNumber > 0) {
          const refit = fitToBudget(messages, budget);
          if (refit.elidedOutputs || refit.summarizedTurns) overrides.messages = refit.messages;
        }
        return overrides;
      },
    });

    for await (const part of result.fullStream) {
      switch (part.type) {
        case "text-start":
          textParts.set(part.id, parts.push({ type: "text", text: "" }) - 1);
          break;
        case "text-delta": {
          const idx = textParts.get(part.id);
          const target = idx === undefined ? undefined : parts[idx];
          const text = maskSecrets(part.text, secrets);
          if (target?.type === "text") target.text += text;
          await emit({ type: "text-delta", text });
          break;
        }
        case "text-end": {
          const idx = textParts.get(part.id);
          if (idx !== undefined) await savePart(idx);
          break;
        }
        case "reasoning-delta":
          await emit({ type: "reasoning-delta", text: part.text });
          break;
        case "tool-error":
          if (!started.has(part.toolCallId)) {
            await recordRejectedCall(deps, {
              callId: part.toolCallId,
              tool: part.toolName,
              input: part.input,
              error: part.error,
            });
          }
          break;
        case "start-step":
          stepStartedAt = performance.now();
          break;
        case "finish-step": {
          steps++;
          const inputTokens = part.usage.inputTokens ?? 0;
          const outputTokens = part.usage.outputTokens ?? 0;
          const costUsd = costOf(price, inputTokens, outputTokens);
          recordModelStep({
            sessionId,
            turnId,
            step: steps,
            model: config.model,
            inputTokens,
            outputTokens,
            costUsd,
            durationMs: Math.round(performance.now() - stepStartedAt),
          }).catch((error) => console.error("[ratchet] telemetry write failed", error));
          const totals = await addSessionUsage(sessionId, { inputTokens, outputTokens, costUsd });
          await emit({ type: "step-finish", step: steps, inputTokens, outputTokens, costUsd });
          await emit({
            type: "usage",
            inputTokens: totals.inputTokens,
            outputTokens: totals.outputTokens,
            costUsd: totals.costUsd,
            budgetUsd: totals.budgetUsd,
          });
          if (input.budgetUsd !== null) {
            if (totals.costUsd >= input.budgetUsd) {
              const turn = activeTurns().get(sessionId);
              if (turn) turn.stopReason ??= "budget";
              controller.abort(new Error("budget"));
            } else if (!warnedBudget && totals.costUsd >= 0.8 * input.budgetUsd) {
              warnedBudget = true;
              await emit({
                type: "notice",
                level: "warn",
                message: `80% of this session's $${input.budgetUsd.toFixed(2)} budget is spent ($${totals.costUsd.toFixed(4)}).`,
              });
            }
          }
          break;
        }
        case "error":
          if (!controller.signal.aborted) {
            const described = describeModelError(part.error, endpointOf(config), config.model);
            status = "error";
            failure = described.message;
            await emit({ type: "error", code: described.code, message: described.message });
          }
          break;
        default:
          break;
      }
    }
    if (!failure && steps >= stepLimit && !controller.signal.aborted) {
      await emit({
        type: "notice",
        level: "warn",
        message: `Stopped after the step limit of ${stepLimit} steps. Send a message to continue.`,
      });
    }
  } catch (error) {
    if (!calledModel) {
      if (error instanceof WorkspaceRefusedError) console.warn(`[ratchet] turn refused: ${error.message}`);
      else console.error("[ratchet] turn failed before calling the model", error);
      status = "error";
      failure = `The turn could not start: ${error instanceof Error ? error.message : String(error)}`;
      await emit({ type: "error", code: "turn_failed", message: failure });
    } else if (!controller.signal.aborted) {
      const described = describeModelError(error, endpointOf(config), config.model);
      status = "error";
      failure = described.message;
      await emit({ type: "error", code: described.code, message: described.message });
    }
  } finally {
    await toolSet?.settled(SETTLE_MS);
    await flushTelemetry().catch((error) => console.error("[ratchet] telemetry flush failed", error));
    await friction?.settle().catch((error) => console.error("[ratchet] friction outcome failed", error));
    const reason = stopReasonOf(sessionId);
    if (controller.signal.aborted) {
      status = reason === "shutdown" ? "interrupted" : reason === "budget" ? "error" : "cancelled";
      if (reason === "budget") {
        failure = `Stopped: the session's budget of $${input.budgetUsd?.toFixed(2)} is spent.`;
        await emit({ type: "error", code: "budget_exhausted", message: failure });
      }
    }
    for (let idx = 0; idx < parts.length; idx++) {
      const part = parts[idx];
      if (part?.type === "tool" && part.state === "running") {
        parts[idx] = { ...part, state: "error", output: "Tool execution aborted." };
      }
      await savePart(idx);
    }
    await finishTurn(turnId, { status, error: failure ?? null, steps });
    const sessionStatus = status === "interrupted" ? "interrupted" : "idle";
    const note = status === "interrupted" ? "The server shut down during a turn." : null;
    await setSessionStatus(sessionId, sessionStatus, note);
    const active = activeTurns().get(sessionId);
    if (active) active.finishing = true;
    await emit({ type: "turn-end", turnId, status, ...(failure ? { error: failure } : {}) });
    await emit({ type: "status", status: sessionStatus, ...(note ? { note } : {}) });
    refreshTurnCaches();
  }
  return status;
}

/** What the next turn reads from telemetry is rebuilt now, while nobody waits for it, not at its start. */
function refreshTurnCaches(): void {
  Promise.all([refreshTelemetrySummary(), refreshToolP95()]).catch((error) =>
    console.error("[ratchet] refreshing telemetry caches failed", error),
  );
}

export async function endSession(sessionId: string): Promise<void> {
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  if (session.status === "ended") return;
  await stopTurn(sessionId, "user");
  await setSessionStatus(sessionId, "ended");
  await appendEvent(sessionId, { type: "status", status: "ended" });
  void queueReflection(sessionId, "end");
}

/** The turns as the battery change drives them (lib/learning takes them as a parameter, never imports them). */
export const agentTurns: Turns = {
  send: sendMessage,
  running: (sessionId) => activeTurns().has(sessionId),
};
