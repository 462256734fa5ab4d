import path from "node:path";
import { z } from "zod";
import { recentUserTexts } from "@/lib/db/queries/messages";
import { recordSkillLoads } from "@/lib/db/queries/skills";
import { listSkillFiles, type SkillFileInfo } from "@/lib/skills/catalog";
import { sessionSkillEntry, sessionSkills } from "@/lib/skills/scope";
import { triggerPattern } from "@/lib/skills/suggest";
import { defineTool } from "@/lib/tools/types";

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** How far back a user's naming of a people-only skill counts: the request and a follow-up or two. */
const NAMED_WITHIN = 3;

/** Did the user name the skill (as whole words, `/name` too) in their last few messages? */
async function userNamed(sessionId: string, name: string): Promise<boolean> {
  const pattern = triggerPattern(name);
  return (await recentUserTexts(sessionId, NAMED_WITHIN)).some((text) => pattern.test(text));
}

function filesNote(folder: string, files: SkillFileInfo[], truncated: boolean): string {
  if (files.length === 0) return "";
  const lines = files.map((f) => `- ${f.path}${f.kind === "link" ? " (link)" : ` (${formatSize(f.size)})`}`);
  if (truncated) lines.push("- … (more files not listed)");
  return `\n\n---\nOther files in this skill's folder (${folder}); read them when the instructions point to them:\n${lines.join("\n")}`;
}

export const loadSkill = defineTool({
  name: "load_skill",
  description:
    "Load a skill's full instructions by name (the system prompt lists each skill's name and description). " +
    "Load one whenever its description matches what you are about to do, and whenever the harness suggests one.",
  inputSchema: z.object({ name: z.string().min(1).max(100) }),
  summarize: (input) => input.name,
  async execute(input, ctx) {
    const name = input.name.trim().toLowerCase();
    const entry = await sessionSkillEntry(ctx.sessionId, name);
    if (!entry || entry.content === null) {
      const names = (await sessionSkills(ctx.sessionId)).map((s) => s.name);
      const why = entry && !entry.parsed.ok ? ` (${entry.parsed.error.message})` : "";
      return {
        state: "completed",
        output: `No skill named "${input.name}"${why}. Available skills: ${names.length ? names.join(", ") : "(none)"}.`,
        summary: "unknown skill",
      };
    }
    // disable-model-invocation: the model never hears of it, and loads it only on the user's word
    if (entry.parsed.ok && !entry.parsed.skill.modelInvocable && !(await userNamed(ctx.sessionId, name))) {
      return {
        state: "completed",
        output: `Skill ${name} is loaded only when the user asks for it by name (disable-model-invocation: true), and they have not. Carry on without it.`,
        summary: "not asked for",
      };
    }
    await recordSkillLoads([
      { skill: name, sessionId: ctx.sessionId, turnId: ctx.turnId, kind: "loaded" },
    ]).catch((error) => console.error("[ratchet] could not record a skill load", error));
    const { files, truncated } = await listSkillFiles(entry);
    const note = filesNote(path.dirname(entry.file), files, truncated);
    if (!entry.parsed.ok) {
      const { message, line } = entry.parsed.error;
      return {
        state: "completed",
        output: `Skill ${name} has invalid front matter (${line ? `line ${line}: ` : ""}${message}); here is the whole file:\n\n${entry.content}${note}`,
        summary: `loaded ${name} (invalid front matter)`,
      };
    }
    return {
      state: "completed",
      output: `${entry.parsed.skill.body.trim()}${note}`,
      summary: `loaded ${name}`,
    };
  },
});
