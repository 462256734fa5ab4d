import type { ModelMessage } from "ai";
import { listMessages } from "@/lib/db/queries/messages";
import { captureFromUserMessage } from "@/lib/learning/capture";
import { FrictionMonitor } from "@/lib/learning/friction-monitor";
import { loadMaintenanceSettings, maintenancePrompt } from "@/lib/learning/maintenance/pass";
import { loadPromptMemory, type PromptMemory } from "@/lib/learning/prompt-memory";
import { loadedServers } from "@/lib/mcp/sessions";
import { endpointOf } from "@/lib/model/client";
import type { ModelFacts } from "@/lib/model/model-facts";
import { type FactSources, factsFor } from "@/lib/model/prices";
import { DEFAULT_CONTEXT_WINDOW } from "@/lib/settings/model-config";
import { loadFactSources } from "@/lib/settings/model-facts";
import { suggestSkills } from "@/lib/skills/suggest";
import type { BuiltinTool } from "@/lib/tools/types";
import { workspaceForTurn } from "@/lib/workspaces/session";
import { estimateTokens, fitToBudget } from "../context-budget";
import { toModelMessages } from "../history";
import { promptLine } from "../mcp-resources";
import { loadMcpTools } from "../mcp-tools";
import { historyForNativePatch, offersNativePatch } from "../native-patch";
import { parsePart, type StoredPart } from "../parts";
import { buildSystemPrompt, loadPromptContext, type PromptContext } from "../system-prompt";
import { buildToolSet } from "../tool-set";
import { builtinToolsFor, scanToolbox, type ToolboxSnapshot } from "../tools/registry";
import { startCheckpoints } from "./checkpoints";
import { pruneRequests } from "./requests";
import type { TurnPlan, TurnState } from "./state";
import { noteTier, startTiers } from "./tiering";
import { toolDeps } from "./tool-context";
import { Transcript } from "./transcript";

/** Tokens kept free for the model's answer when fitting the conversation to its window. */
const OUTPUT_RESERVE = 8192;

/**
 * The second part of a turn (after the reservation): everything the first model request needs. The
 * turn's first event goes out at once; the folder is checked before anything reads or runs there;
 * the reads that do not depend on one another run side by side.
 */
export async function prepare(turn: TurnState): Promise<TurnPlan> {
  // turn-start is the turn's first event, also when what follows fails
  const turnStarted = turn.emit({ type: "turn-start", turnId: turn.turnId, model: turn.config.model });
  const transcript = await Transcript.open(turn.sessionId, turn.turnId);
  turn.transcript = transcript;
  // before anything reads or runs there: the real folder, as allowed now (it may have become a
  // link elsewhere, or an upgrade made it forbidden); commands and the prompt use this path
  turn.workspace = await workspaceForTurn(turn.workspace, {
    scratch: turn.kind === "evaluation",
    settings: turn.settings,
  });
  // the state the turn starts from, recorded once the first model request is out (tools wait for it)
  startCheckpoints(turn);
  pruneRequests();
  // Reading files, this lets the 202 go out before the database reads below, which hold the thread.
  const scanned = await scanToolbox(turn.sessionId);
  turn.toolbox = scanned;
  const skillHint = await suggestSkills(turn.sessionId, turn.turnId, turn.userText, {
    skills: scanned.skills,
  });
  const reads = await readTogether(turn, turnStarted);
  turn.friction = reads.friction;
  // before the user's correction is counted as friction, which the rules escalate on
  await startTiers(turn);
  await noteCapturedLearning(turn, reads.learned);

  const tools = builtinToolsFor(turn.kind);
  // before the prompt: the servers' approved prompts are listed with the skills
  const mcp =
    turn.kind === "agent"
      ? await loadMcpTools(turn.sessionId, turn.workspace, (message) =>
          turn.emit({ type: "notice", level: "warn", message }),
        )
      : null;
  const buildPrompt = promptBuilder(
    turn,
    scanned,
    { tools, memory: reads.memory, skillHint, mcpPrompts: mcp?.prompts.map(promptLine) ?? [] },
    reads.context,
  );
  turn.instructions = await buildPrompt();
  const facts = factResolver(turn, reads.factSources);
  const budget = Math.max(
    1024,
    contextWindowOf(turn, facts) - OUTPUT_RESERVE - estimateTokens(turn.instructions),
  );
  // a step may go to either tier's model: the native tool only when every one of them takes it
  const { fast, strong } = turn.config.tiers;
  const nativeApplyPatch = [fast, strong ?? fast].every((model) =>
    offersNativePatch({ api: turn.config.api, model }),
  );
  const fitted = await fitHistory(turn, reads.history, budget);
  const messages = nativeApplyPatch ? historyForNativePatch(fitted) : fitted;
  const toolSet = buildToolSet(tools, toolDeps(turn, transcript), { nativeApplyPatch });
  toolSet.installAgentTools(scanned.catalog);
  if (mcp) toolSet.installMcpTools(mcp, loadedServers(turn.sessionId));
  turn.tools = toolSet;
  return { transcript, tools: toolSet, stepLimit: reads.stepLimit, budget, facts, messages, buildPrompt };
}

/** Each model's figures, resolved once per model for the turn. */
function factResolver(turn: TurnState, sources: FactSources): (model: string) => ModelFacts {
  const resolved = new Map<string, ModelFacts>();
  const endpoint = endpointOf(turn.config);
  return (model) => {
    let facts = resolved.get(model);
    if (!facts) {
      facts = factsFor(model, endpoint, sources);
      resolved.set(model, facts);
    }
    return facts;
  };
}

/**
 * The window the conversation is fitted to: the model's as resolved, or with tiers the smaller of
 * the two (a step may go to either). Unknown is the default window, as before there was a table.
 */
function contextWindowOf(turn: TurnState, facts: (model: string) => ModelFacts): number {
  const { fast, strong } = turn.config.tiers;
  const models = strong ? [fast, strong] : [turn.config.model];
  return Math.min(...models.map((m) => facts(m).contextWindow ?? DEFAULT_CONTEXT_WINDOW));
}

/** The turn's reads that do not depend on one another, together (the prompt's context after the capture). */
async function readTogether(turn: TurnState, turnStarted: Promise<void>) {
  const { sessionId, turnId } = turn;
  // a replayed message was captured when it was first sent; a replay records no learning
  const captured =
    turn.kind === "evaluation" ? Promise.resolve(null) : captureFromUserMessage(sessionId, turn.userText);
  const [, friction, learned, context, stepLimit, memory, history, factSources] = await Promise.all([
    turnStarted,
    // a friction recorded in the turn is also a reason for the strong model (./tiering.ts)
    FrictionMonitor.start(
      sessionId,
      turnId,
      async (body) => {
        await turn.emit(body);
        if (body.type === "friction") await noteTier(turn, { type: "friction", kind: body.kind });
      },
      turn.settings,
    ),
    captured,
    captured.then(() => loadPromptContext(turn.workspace)),
    turn.kind === "maintenance"
      ? loadMaintenanceSettings(turn.settings).then((s) => s.stepLimit)
      : turn.config.stepLimit,
    loadPromptMemory(sessionId, { countUse: turn.kind !== "evaluation" }),
    loadHistory(sessionId),
    loadFactSources(turn.config, turn.settings),
  ]);
  return { friction, learned, context, stepLimit, memory, history, factSources };
}

type Captured = Awaited<ReturnType<typeof captureFromUserMessage>>;

/** A correction or preference in the user's message: shown now, and a correction is friction. */
async function noteCapturedLearning(turn: TurnState, learned: Captured): Promise<void> {
  if (!learned) return;
  await turn.emit({
    type: "learning",
    learningType: learned.type,
    description: learned.description,
    source: "detector",
  });
  if (learned.type === "correction") await turn.friction?.correction(learned.phrase, turn.userText);
}

/**
 * The system prompt, rebuilt from the toolbox as it stands each time it is called. The context read
 * alongside the other reads serves the first build; later builds read it again.
 */
function promptBuilder(
  turn: TurnState,
  scanned: ToolboxSnapshot,
  parts: {
    tools: readonly BuiltinTool[];
    memory: PromptMemory;
    skillHint: string | null;
    mcpPrompts: readonly string[];
  },
  context: PromptContext,
): () => Promise<string> {
  let prefetched: PromptContext | undefined = context;
  return async () => {
    const base = await buildSystemPrompt({
      workspace: turn.workspace,
      model: turn.config.model,
      tools: parts.tools,
      toolbox: turn.toolbox ?? scanned,
      memory: parts.memory,
      mcpPrompts: parts.mcpPrompts,
      context: prefetched,
    });
    prefetched = undefined;
    const withHint = parts.skillHint ? `${base}\n\n${parts.skillHint}` : base;
    return turn.kind === "maintenance"
      ? `${withHint}\n\n${await maintenancePrompt(turn.sessionId)}`
      : withHint;
  };
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

/** The history as the model gets it: trimmed to the budget when it does not fit, which the session is told. */
async function fitHistory(turn: TurnState, history: ModelMessage[], budget: number): Promise<ModelMessage[]> {
  const fitted = fitToBudget(history, budget);
  if (fitted.elidedOutputs || fitted.summarizedTurns) {
    await turn.emit({
      type: "notice",
      level: "info",
      message: `Context trimmed for the model: ${fitted.elidedOutputs} old tool outputs elided, ${fitted.summarizedTurns} old turns summarized (the transcript is complete).`,
    });
  }
  return fitted.messages;
}
