import { z } from "zod";
import { createLearningEvent } from "@/lib/db/queries/learning-events";
import { defineTool } from "@/lib/tools/types";

export const logLearningEvent = defineTool({
  name: "log_learning_event",
  description:
    "Record something to remember in later sessions: a correction the user made, a preference they stated, " +
    "or a pattern you noticed. Log it as soon as it happens, in one or two plain sentences.",
  inputSchema: z.object({
    type: z.enum(["correction", "preference", "pattern"]),
    description: z.string().min(3).max(2000),
    context: z.string().max(4000).optional(),
  }),
  summarize: (input) => `${input.type}: ${input.description.slice(0, 120)}`,
  async execute(input, ctx) {
    await createLearningEvent({
      sessionId: ctx.sessionId,
      type: input.type,
      description: input.description,
      context: input.context ?? null,
      source: "agent",
    });
    return { state: "completed", output: `Logged ${input.type}.`, summary: "logged" };
  },
});
