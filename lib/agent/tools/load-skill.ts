import { z } from "zod";
import { listSkills, readSkill } from "@/lib/skills/catalog";
import { defineTool } from "./types";

export const loadSkill = defineTool({
  name: "load_skill",
  description:
    "Load a skill's full instructions by name (the system prompt lists each skill's name and description). " +
    "Load one whenever its description matches what you are about to do.",
  inputSchema: z.object({ name: z.string().min(1).max(100) }),
  summarize: (input) => input.name,
  async execute(input) {
    const body = await readSkill(input.name);
    if (body !== null) return { state: "completed", output: body, summary: `loaded ${input.name}` };
    const names = (await listSkills()).map((s) => s.name);
    return {
      state: "completed",
      output: `No skill named "${input.name}". Available skills: ${names.length ? names.join(", ") : "(none)"}.`,
      summary: "unknown skill",
    };
  },
});
