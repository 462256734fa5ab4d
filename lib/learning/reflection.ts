import { generateText, Output } from "ai";
import { z } from "zod";
import { listFrictions } from "@/lib/db/queries/frictions";
import { listSessionLearningEvents } from "@/lib/db/queries/learning-events";
import { lastMessageAt, listMessages } from "@/lib/db/queries/messages";
import {
  findReflection,
  type ReflectionTrigger,
  saveReflection,
  startReflection,
} from "@/lib/db/queries/reflections";
import { appendEvent } from "@/lib/events/log";
import { modelClient, silenceLimitMs } from "@/lib/model/client";
import { processState } from "@/lib/process-state";
import { collectSecrets, maskSecrets } from "@/lib/sandbox";
import { loadModelConfig } from "@/lib/settings/model-config";

/** The three questions, as separate fields, plus a one-line summary. */
export const reflectionSchema = z.object({
  summary: z.string().describe("One line: what this session was about and how it ended."),
  wentWell: z.string().describe("What went well: approaches, tools or skills that worked."),
  slow: z.string().describe("What was slow or awkward: friction, repeated work, errors, missing tools."),
  nextTime: z.string().describe("What to do differently next time: concrete, actionable."),
});

const DIGEST_CHARS = 24_000;

const INSTRUCTIONS = `You review one finished session of a coding agent (you are that agent) to get better at the job.
Answer from the transcript only; be specific (commands, files, tools), short and honest. If nothing went wrong, say so.`;

/** The session as the reviewer reads it: messages, tool calls with outcomes, friction, learnings. */
async function digest(sessionId: string): Promise<{ text: string; exchanges: number }> {
  const messages = await listMessages(sessionId);
  const lines: string[] = [];
  let users = 0;
  let replies = 0;
  for (const message of messages) {
    for (const { data: part } of message.parts) {
      if (part.type === "text" && part.text.trim()) {
        lines.push(`${message.role === "user" ? "USER" : "AGENT"}: ${part.text.trim().slice(0, 1500)}`);
        if (message.role === "user") users++;
        else replies++;
      } else if (part.type === "tool") {
        replies++;
        const outcome = part.state === "error" ? "failed" : part.exitCode ? `exit ${part.exitCode}` : "ok";
        lines.push(`TOOL ${part.tool} (${outcome}): ${(part.summary ?? "").slice(0, 300)}`);
      }
    }
  }
  const frictions = await listFrictions({ sessionId, limit: 20 });
  for (const f of frictions.reverse()) lines.push(`FRICTION ${f.kind}: ${f.detail} → ${f.outcome}`);
  const learnings = await listSessionLearningEvents(sessionId, 20);
  for (const l of learnings) lines.push(`LEARNING ${l.type} (${l.source}): ${l.description}`);
  let text = lines.join("\n");
  if (text.length > DIGEST_CHARS)
    text = `${text.slice(0, DIGEST_CHARS / 3)}\n[…]\n${text.slice(-(DIGEST_CHARS * 2) / 3)}`;
  return { text, exchanges: Math.min(users, replies) };
}

function blank(value: string): boolean {
  return value.trim().length === 0 || /^(n\/a|none|nothing|-)\.?$/i.test(value.trim());
}

/**
 * Reflects on one session, however it ended. Idempotent: a session already reflected is left alone
 * unless new messages arrived since. Sessions without an exchange are recorded as skipped.
 */
export async function reflectOnSession(sessionId: string, trigger: ReflectionTrigger): Promise<void> {
  const existing = await findReflection(sessionId);
  const lastMessage = await lastMessageAt(sessionId);
  if (
    existing &&
    existing.status !== "pending" &&
    existing.status !== "error" &&
    (!lastMessage || lastMessage <= existing.updatedAt)
  )
    return;
  await startReflection(sessionId, trigger);
  const { text, exchanges } = await digest(sessionId);
  if (exchanges === 0) {
    await finish(sessionId, {
      status: "skipped",
      summary: "No exchange with the agent: nothing to reflect on.",
    });
    return;
  }
  const config = await loadModelConfig();
  if (!config.configured) {
    await finish(sessionId, { status: "error", error: "No model is configured." });
    return;
  }
  const secrets = collectSecrets(process.env, config.apiKey ? [config.apiKey] : []);
  // a reflection is a maintenance pass: with model tiers it is always the strong model's (lib/agent/tiers.ts)
  const model = config.tiers.strong ?? config.model;
  // a silent endpoint must not leave the reflection pending for the HTTP client's 300 s
  const client = modelClient({ ...config, model }, { silenceMs: silenceLimitMs() });
  try {
    const result = await generateText({
      model: client.model,
      instructions: INSTRUCTIONS,
      prompt: `Session transcript:\n${maskSecrets(text, secrets)}\n\nReflect: what went well, what was slow or awkward, what to do differently next time.`,
      output: Output.object({ schema: reflectionSchema }),
      maxRetries: 2,
    });
    const r = result.output;
    const empty = [r.wentWell, r.slow, r.nextTime].every(blank);
    await finish(sessionId, {
      status: empty ? "empty" : "success",
      summary: r.summary,
      wentWell: r.wentWell,
      slow: r.slow,
      nextTime: r.nextTime,
      model,
    });
  } catch (error) {
    await finish(sessionId, { status: "error", error: client.describe(error).message, model });
  }
}

async function finish(sessionId: string, data: Parameters<typeof saveReflection>[1]): Promise<void> {
  await saveReflection(sessionId, data);
  await appendEvent(sessionId, {
    type: "reflection",
    status: data.status,
    summary: data.summary ?? data.error ?? "",
  });
}

/**
 * The sessions waiting for a reflection (in order, each once, with the trigger it was first queued
 * with) and the one loop working through them. Only ids wait: a promise per queued session would
 * hold the async context of the request that queued it (its response, compression stream, request
 * store) until its turn came, and with a slow or silent model the queue grows with every session
 * that ends.
 */
interface ReflectionQueue {
  waiting: Map<string, ReflectionTrigger>;
  drained: Promise<void> | null;
}

const reflectionQueue = processState<ReflectionQueue>("learning.reflectionQueue", () => ({
  waiting: new Map(),
  drained: null,
}));

async function drain(queue: ReflectionQueue): Promise<void> {
  try {
    for (;;) {
      const next = queue.waiting.entries().next();
      if (next.done) return;
      const [sessionId, trigger] = next.value;
      queue.waiting.delete(sessionId);
      try {
        await reflectOnSession(sessionId, trigger);
      } catch (error) {
        console.error(`[ratchet] reflection of ${sessionId} failed`, error);
      }
    }
  } finally {
    // in the same step as the empty check: a session queued from now on starts a new loop
    queue.drained = null;
  }
}

/**
 * Reflections run one at a time in the background, so ending a session never waits for the model. A
 * session already waiting is not queued twice. Resolves when the queue has run empty.
 */
export function queueReflection(sessionId: string, trigger: ReflectionTrigger): Promise<void> {
  const queue = reflectionQueue();
  if (!queue.waiting.has(sessionId)) queue.waiting.set(sessionId, trigger);
  queue.drained ??= drain(queue);
  return queue.drained;
}

/** How many sessions wait for their reflection (not counting the one running). */
export function waitingReflections(): number {
  return reflectionQueue().waiting.size;
}
