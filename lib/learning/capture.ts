import {
  createLearningEvent,
  listCorrectionsOutside,
  markLearningsRecurred,
} from "@/lib/db/queries/learning-events";
import { lastAssistantParts } from "@/lib/db/queries/messages";
import { type DetectedLearning, detectLearning } from "./correction-detector";

/** What the agent had just done, in one line: the context a correction refers to. */
async function lastAgentAction(sessionId: string): Promise<string | null> {
  let ran: string | null = null;
  let said: string | null = null;
  for (const part of await lastAssistantParts(sessionId, 8)) {
    if (part.type === "tool" && !ran) ran = `ran ${part.tool}: ${(part.summary ?? "").slice(0, 200)}`;
    if (part.type === "text" && part.text && !said) said = `said: ${part.text.slice(0, 200)}`;
  }
  return [ran, said].filter(Boolean).join("; ") || null;
}

/** Records a correction or preference found in a user message, whatever the model does with it. */
export async function captureFromUserMessage(
  sessionId: string,
  text: string,
): Promise<(DetectedLearning & { description: string }) | null> {
  const found = detectLearning(text);
  if (!found) return null;
  const quoted = text.trim().replace(/\s+/g, " ").slice(0, 300);
  const description =
    found.type === "correction"
      ? `The user corrected the agent: "${quoted}"`
      : `The user stated a preference: "${quoted}"`;
  const action = await lastAgentAction(sessionId);
  if (found.type === "correction") await markRecurrences(sessionId, quoted);
  await createLearningEvent({
    sessionId,
    type: found.type,
    description,
    context: [`message: ${quoted}`, action ? `agent had just ${action}` : null].filter(Boolean).join("\n"),
    source: "detector",
  });
  return { ...found, description };
}

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .replace(/[^a-z0-9_.\-\s]/g, " ")
      .split(/\s+/)
      .filter(
        (w) => w.length > 2 && !["the", "and", "not", "that", "this", "you", "use", "don't"].includes(w),
      ),
  );
}

/** Jaccard overlap of the significant words: 1 for the same words, 0 for none in common. */
export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}

const RECURRENCE_THRESHOLD = 0.5;

/** The same correction again, in a later session: the earlier learning did not stick. */
async function markRecurrences(sessionId: string, message: string): Promise<void> {
  const earlier = await listCorrectionsOutside(sessionId, 200);
  const same = earlier.filter((e) => similarity(message, e.context ?? e.description) >= RECURRENCE_THRESHOLD);
  await markLearningsRecurred(same.map((e) => e.id));
}
