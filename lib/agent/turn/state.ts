import type { ModelMessage } from "ai";
import type { SettingsSnapshot } from "@/lib/db/queries/settings";
import { appendEvent } from "@/lib/events/log";
import type { SessionEventBody, TurnStatus } from "@/lib/events/types";
import type { FrictionMonitor } from "@/lib/learning/friction-monitor";
import { type ModelClient, modelClient, silenceLimitMs } from "@/lib/model/client";
import type { ModelFacts } from "@/lib/model/model-facts";
import { modelSecrets } from "@/lib/model/request-masking";
import { DEFAULT_RETRY, type RetryReport } from "@/lib/model/retrying-fetch";
import { processState } from "@/lib/process-state";
import type { ModelConfig } from "@/lib/settings/model-config";
import type { Tier, TierOverride, TierState } from "../tiers";
import type { ToolSetHandle } from "../tool-set";
import type { ToolboxSnapshot } from "../tools/registry";
import { recordRequest } from "./requests";
import type { Transcript } from "./transcript";

/** What the reservation (lib/agent/runner.ts) hands the turn. */
export interface TurnInput {
  sessionId: string;
  turnId: string;
  userText: string;
  /** `evaluation`: a replay of a recorded turn in a scratch copy (lib/evaluation), which changes nothing else. */
  kind: "agent" | "maintenance" | "evaluation";
  /** As stored with the session; replaced by its checked real path when the turn starts. */
  workspace: string;
  budgetUsd: number | null;
  controller: AbortController;
  config: ModelConfig;
  /** The session's tier override (auto / fast / strong); used only when a strong model is set. */
  tierOverride: TierOverride;
  /** The settings the turn start reads, read together as the message came in (./settings.ts); read now without it. */
  settings?: SettingsSnapshot;
}

/**
 * Everything a turn carries from one part to the next (prepare, the model steps, finish): one object,
 * passed to each part, instead of variables shared by one long function.
 */
export interface TurnState extends Readonly<Omit<TurnInput, "workspace">> {
  /** Masked out of everything the turn stores, shows or sends: the key, the access token, secret variables. */
  readonly secrets: string[];
  readonly emit: (body: SessionEventBody) => Promise<void>;
  /**
   * The model the next step goes to: its retries shown in the session as `retry` events, its silence
   * bounded. With model tiers it is the current tier's (./tiering.ts), else the configured model.
   */
  client: ModelClient;
  /** The id of that model. */
  model: string;
  /** Where the tier rules stand (../tiers.ts); null when no strong model is set. */
  tiers: TierState | null;
  /**
   * The model and tier the step under way was sent to: its usage is theirs even when a failure in
   * the step has already moved the next step to the other tier.
   */
  stepModel: { model: string; tier: Tier | null };
  /** The client for a model on the configured endpoint, made once per model. */
  readonly clientFor: (model: string) => ModelClient;
  /** The session's folder: as stored until prepare() checks it and puts its real path here. */
  workspace: string;
  // Set by prepare() as it gets to them, so finish() finds what there is when it failed half-way.
  transcript?: Transcript;
  friction?: FrictionMonitor;
  tools?: ToolSetHandle;
  /** Skills and agent-written tools as last scanned: at the start, then by reload_tools. */
  toolbox?: ToolboxSnapshot;
  /** The system prompt as last built. */
  instructions: string;
  /** reload_tools rescanned the toolbox: the prompt and the agent tools are rebuilt before the next step. */
  promptStale: boolean;
  /** Set just before the first model request: a failure before it is Ratchet's own, not the model's. */
  calledModel: boolean;
  /** Model steps finished. */
  steps: number;
  /** The session was told that 80 % of its budget is spent. */
  warnedBudget: boolean;
  /** How the turn ends as far as known; finish() settles it for a stopped turn. */
  status: TurnStatus;
  /** Why it failed, in words a person can act on. */
  failure?: string;
  /** The endpoint refused the conversation as too long once, and it was compacted and sent again. */
  overflowRetried: boolean;
  /** The endpoint ended the last answer early (its output limit, its content policy). */
  cut?: "length" | "content-filter";
  /** The turn's checkpoints so far, in order (./checkpoints.ts); settled before a tool runs. */
  checkpoints: Promise<void>;
  /**
   * Settles once the first model request is out (./requests.ts), or the turn is finishing without
   * one: the turn-start checkpoint waits for it, so its process and queries never go in front.
   */
  firstRequestOut: Promise<void>;
  readonly markRequestOut: () => void;
  /** A tool that may write ran in the current step. */
  stepMayWrite: boolean;
  /** A checkpoint failed in this turn (said once). */
  checkpointFailed: boolean;
  /** The turn's model requests being stored, in order (./requests.ts); settled before it ends. */
  requests: Promise<void>;
}

/** Sessions whose model clients are kept between turns; past it the least recently used go. */
export const KEPT_SESSIONS = 16;

/**
 * A session's model clients, kept from one turn to the next: making one builds the SDK's provider,
 * the masker's secret list and the response schemas, ≈ 1.4 ms of a warm turn start's 25
 * (docs/benchmarks.md §27). They report a retry or a request sent to the turn running now: a
 * session runs one turn at a time (the reservation in lib/agent/runner.ts holds it from the message
 * to the turn's end), so there is never another turn to tell. Kept only while the endpoint is the
 * same: a new key, URL, API or provider makes new clients, so a changed key is masked from the first
 * request made with it.
 */
interface SessionClients {
  readonly endpoint: string;
  readonly secrets: string[];
  readonly clients: Map<string, ModelClient>;
  turn: TurnState | null;
}

const kept = processState("turn.session-clients", () => new Map<string, SessionClients>());

function sessionClients(input: TurnInput): SessionClients {
  const { baseUrl, apiKey, api, provider } = input.config;
  const endpoint = JSON.stringify([baseUrl, apiKey, api, provider ?? "auto"]);
  const sessions = kept();
  let entry = sessions.get(input.sessionId);
  sessions.delete(input.sessionId);
  if (entry?.endpoint !== endpoint) {
    // also what commands print is masked against these, the access token included
    entry = { endpoint, secrets: modelSecrets(apiKey), clients: new Map(), turn: null };
  }
  sessions.set(input.sessionId, entry);
  if (sessions.size > KEPT_SESSIONS) sessions.delete(sessions.keys().next().value as string);
  return entry;
}

export function newTurnState(input: TurnInput): TurnState {
  const emit = (body: SessionEventBody) => appendEvent(input.sessionId, body);
  const session = sessionClients(input);
  const clientFor = (model: string): ModelClient => {
    let client = session.clients.get(model);
    if (!client) {
      client = modelClient(
        { ...input.config, model },
        {
          retry: {
            ...DEFAULT_RETRY,
            onRetry: ({ attempt, limit, delayMs, reason }: RetryReport) =>
              void session.turn?.emit({
                type: "retry",
                attempt,
                delayMs,
                message: `${reason}; retry ${attempt} of ${limit}`,
              }),
          },
          silenceMs: silenceLimitMs(),
          onRequest: (body) => {
            if (session.turn) recordRequest(session.turn, body);
          },
        },
      );
      session.clients.set(model, client);
    }
    return client;
  };
  let markRequestOut = () => {};
  const firstRequestOut = new Promise<void>((resolve) => {
    markRequestOut = resolve;
  });
  const turn: TurnState = {
    ...input,
    secrets: session.secrets,
    emit,
    client: clientFor(input.config.model),
    model: input.config.model,
    tiers: null,
    stepModel: { model: input.config.model, tier: null },
    clientFor,
    instructions: "",
    promptStale: false,
    calledModel: false,
    steps: 0,
    warnedBudget: false,
    overflowRetried: false,
    status: "completed",
    checkpoints: Promise.resolve(),
    firstRequestOut,
    markRequestOut,
    stepMayWrite: false,
    checkpointFailed: false,
    requests: Promise.resolve(),
  };
  session.turn = turn;
  return turn;
}

/** The turn has ended: its session's clients no longer hold it (nor its transcript, tools and toolbox). */
export function letGoOfTurn(turn: TurnState): void {
  const session = kept().get(turn.sessionId);
  if (session?.turn === turn) session.turn = null;
}

/** The turn failed: it ends as `error`, and the session shows why (`code` for the UI and tests). */
export async function failTurn(turn: TurnState, failure: { code: string; message: string }): Promise<void> {
  turn.status = "error";
  turn.failure = failure.message;
  await turn.emit({ type: "error", code: failure.code, message: failure.message });
}

/**
 * What prepare() settles for the model steps: fixed for the turn. The transcript and the tool set are
 * also on the turn, where finish() looks for them whether or not prepare() got that far.
 */
export interface TurnPlan {
  readonly transcript: Transcript;
  readonly tools: ToolSetHandle;
  readonly stepLimit: number;
  /** Tokens the conversation may take: the context window less the answer's reserve and the prompt. */
  readonly budget: number;
  /** Each model's window and price as resolved (person > endpoint > table > unknown). */
  readonly facts: (model: string) => ModelFacts;
  /** The conversation the first step sends: the session's history, fitted to the budget. */
  readonly messages: ModelMessage[];
  /** Builds the system prompt as things stand now (reload_tools changes them). */
  readonly buildPrompt: () => Promise<string>;
}

/**
 * How one model step ended, as the stream processor reads it: the model called tools and wants their
 * results (`continue` with the conversation so far, or `compact` when that no longer fits the
 * budget), it answered or the turn was stopped (`stop`), the endpoint refused the conversation as longer
 * than its context window (`overflow`: compacted and sent once more), or the call failed (`fail`).
 */
export type StepOutcome =
  | { type: "continue"; messages: ModelMessage[] }
  | { type: "compact"; messages: ModelMessage[] }
  | { type: "stop" }
  | { type: "fail" }
  | { type: "overflow" };
