import { recordSkillLoads } from "@/lib/db/queries/skills";
import { processState } from "@/lib/process-state";
import { listSkills, type SkillSummary } from "./catalog";

/** More than this many suggestions in one turn stops being a hint. */
export const MAX_SUGGESTIONS = 3;

export interface TriggerMatch {
  skill: string;
  trigger: string;
  /** Where in the message the trigger was found. */
  index: number;
}

const WORD = "[\\p{L}\\p{N}_]";

/**
 * The matching rule, deterministic and case-insensitive: a trigger matches when it appears in the
 * message as whole words, so "test" matches "run the test." but not "latest" or "testing"; a
 * phrase's words may be separated by any whitespace ("unit  test" matches "unit\ntest"), and
 * punctuation inside a trigger must appear as written ("c++", "node.js").
 */
export function triggerPattern(trigger: string): RegExp {
  const words = trigger
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`(?<!${WORD})${words.join("\\s+")}(?!${WORD})`, "iu");
}

/** Compiled once per trigger (a pure function of it, so never stale): every turn matches every trigger of every skill. */
const patterns = processState("skills.triggerPatterns", () => new Map<string, RegExp>());
const MAX_COMPILED = 2000;

function patternOf(trigger: string): RegExp {
  const compiled = patterns();
  let pattern = compiled.get(trigger);
  if (!pattern) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    // no g or y flag: exec keeps no state between calls, so one RegExp serves every message
    pattern = triggerPattern(trigger);
    compiled.set(trigger, pattern);
  }
  return pattern;
}

/**
 * Which skills the message calls for, in the order the message mentions them. Per skill, the
 * reported trigger is the one found earliest (the longest one when several start there).
 */
export function matchTriggers(
  text: string,
  skills: Pick<SkillSummary, "name" | "triggers">[],
  limit = MAX_SUGGESTIONS,
): TriggerMatch[] {
  if (!text.trim()) return [];
  const matches: TriggerMatch[] = [];
  for (const skill of skills) {
    let best: TriggerMatch | null = null;
    for (const trigger of skill.triggers) {
      const found = patternOf(trigger).exec(text);
      if (!found) continue;
      const better =
        !best ||
        found.index < best.index ||
        (found.index === best.index && trigger.length > best.trigger.length);
      if (better) best = { skill: skill.name, trigger, index: found.index };
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => a.index - b.index || a.skill.localeCompare(b.skill)).slice(0, limit);
}

/** The lines added to the turn's system prompt. */
export function suggestionBlock(matches: TriggerMatch[]): string | null {
  if (matches.length === 0) return null;
  const lines = matches.map(
    (m) =>
      `The user's message matches skill ${m.skill} (trigger "${m.trigger}"): load it with load_skill before you start.`,
  );
  return `## Skills for this message\n${lines.join("\n")}`;
}

/**
 * Matches the user's message against every valid skill's triggers, records each match as a
 * suggestion (so suggested vs loaded can be measured), and returns the block to append to this
 * turn's system prompt, or null when nothing matches. Never throws: a failure only skips the hint.
 */
export async function suggestSkills(
  sessionId: string,
  turnId: string,
  userText: string,
  opts: { skills?: Pick<SkillSummary, "name" | "triggers">[] } = {},
): Promise<string | null> {
  try {
    const skills = opts.skills ?? (await listSkills());
    const matches = matchTriggers(userText, skills);
    if (matches.length === 0) return null;
    await recordSkillLoads(
      matches.map((m) => ({
        skill: m.skill,
        sessionId,
        turnId,
        kind: "suggested" as const,
        trigger: m.trigger,
      })),
    ).catch((error) => console.error("[ratchet] could not record skill suggestions", error));
    return suggestionBlock(matches);
  } catch (error) {
    console.error("[ratchet] skill suggestions failed", error);
    return null;
  }
}
