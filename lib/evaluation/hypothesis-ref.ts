/**
 * What change a battery-change hypothesis is about, read from its subject (`record_hypothesis`'s
 * subject_type and subject_ref, free text the model wrote). Pure, so every spelling is tested; the
 * engine then finds the change in the record (lib/evaluation/subjects.ts).
 */

import { SKILL_NAME } from "@/lib/skills/parse";

export type HypothesisChange =
  /** A tool version by its id, or by name and version number. */
  | { kind: "tool"; id: string }
  | { kind: "tool"; name: string; version: number }
  /** A skill version; without a number, the version saved before the hypothesis was recorded. */
  | { kind: "skill"; name: string; version: number | null }
  /** A working-memory version; without a number, the one in force when the hypothesis was recorded. */
  | { kind: "memory"; version: number | null };

export type ParsedChange = { ok: true; change: HypothesisChange } | { ok: false; reason: string };

const NAME_VERSION = /^([a-z0-9][a-z0-9_-]{0,63})(?:\s*@\s*|\s+)v?(\d{1,6})$/i;
const MEMORY = /^(?:(?:working[\s_-]?)?memory)?\s*(?:@\s*|\s)?\s*v?(\d{1,6})?$/i;
const TOOL_ID = /^[a-z0-9]{20,40}$/;

export function parseHypothesisChange(subjectType: string, subjectRef: string): ParsedChange {
  const ref = subjectRef.trim();
  if (subjectType === "tool_version") {
    const m = NAME_VERSION.exec(ref);
    if (m) return { ok: true, change: { kind: "tool", name: m[1] ?? "", version: Number(m[2]) } };
    if (TOOL_ID.test(ref)) return { ok: true, change: { kind: "tool", id: ref } };
    return {
      ok: false,
      reason: `its tool version "${ref.slice(0, 80)}" names no version: it must be a tool version's id or name@vN`,
    };
  }
  if (subjectType === "skill") {
    const m = NAME_VERSION.exec(ref);
    const name = (m ? m[1] : ref)?.toLowerCase() ?? "";
    if (SKILL_NAME.test(name))
      return { ok: true, change: { kind: "skill", name, version: m ? Number(m[2]) : null } };
    return { ok: false, reason: `"${ref.slice(0, 80)}" is not a skill name (or name@vN)` };
  }
  if (subjectType === "working_memory") {
    const m = MEMORY.exec(ref);
    if (m) return { ok: true, change: { kind: "memory", version: m[1] ? Number(m[1]) : null } };
    return {
      ok: false,
      reason: `"${ref.slice(0, 80)}" is not a working-memory version (memory, memory@vN or vN)`,
    };
  }
  return {
    ok: false,
    reason: `a ${subjectType.slice(0, 40)} change is not one an evaluation can replay (tools, skills and working memory only)`,
  };
}
