// A message part, as stored in Part.data (JSON): what the transcript and the model history are
// rebuilt from. lib/db/queries/messages.ts parses every part it reads with these.
import { z } from "zod";

/**
 * `cut`: the endpoint ended the answer before the model did (its output limit, its content policy);
 * the next turn's history says so, so the model knows the text is incomplete.
 */
export const textPartSchema = z.object({
  type: z.literal("text"),
  text: z.string(),
  cut: z.enum(["length", "content-filter"]).optional(),
});
export const reasoningPartSchema = z.object({ type: z.literal("reasoning"), text: z.string() });
export const toolPartSchema = z.object({
  type: z.literal("tool"),
  callId: z.string(),
  tool: z.string(),
  input: z.unknown(),
  state: z.enum(["running", "completed", "error"]),
  output: z.string().optional(),
  durationMs: z.number().optional(),
  exitCode: z.number().nullable().optional(),
  summary: z.string().optional(),
});

export const storedPartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  reasoningPartSchema,
  toolPartSchema,
]);
export type StoredPart = z.infer<typeof storedPartSchema>;
export type ToolPart = z.infer<typeof toolPartSchema>;

/** Parses a part read from the database; unknown shapes are dropped rather than crashing a transcript. */
export function parsePart(data: unknown): StoredPart | null {
  const result = storedPartSchema.safeParse(data);
  return result.success ? result.data : null;
}
