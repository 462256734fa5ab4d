import type { SkillSummary } from "@/lib/skills/catalog";
import { sessionSkills } from "@/lib/skills/scope";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { type Catalog, loadCatalog } from "@/lib/tools/catalog";
import type { BuiltinTool } from "@/lib/tools/types";
import { applyPatch, editFile, writeFile } from "./edit-files";
import { loadSkill } from "./load-skill";
import { logLearningEvent } from "./log-learning-event";
import { MAINTENANCE_TOOLS } from "./maintenance";
import { proposeTool } from "./propose-tool";
import { reloadTools } from "./reload-tools";
import { runCommand } from "./run-command";

/** The one list of built-in tools; names are part of the public API. */
export const BUILTIN_TOOLS: readonly BuiltinTool[] = [
  runCommand,
  applyPatch,
  editFile,
  writeFile,
  loadSkill,
  reloadTools,
  logLearningEvent,
  proposeTool,
];

/** What an evaluation's replay may use: no learning and no proposals, it changes nothing but its copy. */
const REPLAY_TOOLS: readonly BuiltinTool[] = [runCommand, loadSkill, reloadTools];

/** The built-ins a turn offers the model: a battery change gets its own tools on top. */
export function builtinToolsFor(kind: "agent" | "maintenance" | "evaluation"): readonly BuiltinTool[] {
  if (kind === "evaluation") return REPLAY_TOOLS;
  return kind === "maintenance" ? [...BUILTIN_TOOLS, ...MAINTENANCE_TOOLS] : BUILTIN_TOOLS;
}

export interface ToolboxSnapshot {
  skills: SkillSummary[];
  /** Agent-written tools as this session sees them. */
  catalog: Catalog;
}

export async function scanToolbox(sessionId: string): Promise<ToolboxSnapshot> {
  const [skills, catalog] = await Promise.all([sessionSkills(sessionId), loadCatalog(sessionId)]);
  return { skills, catalog };
}

function diffKeys(before: Record<string, string>, after: Record<string, string>) {
  const added = Object.keys(after).filter((k) => !(k in before));
  const removed = Object.keys(before).filter((k) => !(k in after));
  const changed = Object.keys(after).filter((k) => k in before && before[k] !== after[k]);
  return { added, removed, changed };
}

function toolLabels(catalog: Catalog): Record<string, string> {
  return Object.fromEntries(
    catalog.callable.map((t) => [t.name, `${t.name} v${t.version}${t.trial ? " (trial)" : ""}`]),
  );
}

/** A human- and model-readable account of what a rescan found: loaded, unavailable (why), failed (why). */
export function describeReload(before: ToolboxSnapshot, after: ToolboxSnapshot): string {
  const skillMap = (s: SkillSummary[]) => Object.fromEntries(s.map((x) => [x.name, x.description]));
  const skills = diffKeys(skillMap(before.skills), skillMap(after.skills));
  const tools = diffKeys(toolLabels(before.catalog), toolLabels(after.catalog));
  const lines: string[] = [];
  const nothing = [...Object.values(skills), ...Object.values(tools)].every((l) => l.length === 0);
  lines.push(nothing ? "No changes." : "Reloaded.");
  const listChanges = (label: string, d: { added: string[]; removed: string[]; changed: string[] }) => {
    if (d.added.length) lines.push(`${label} added: ${d.added.join(", ")}`);
    if (d.changed.length) lines.push(`${label} changed: ${d.changed.join(", ")}`);
    if (d.removed.length) lines.push(`${label} removed: ${d.removed.join(", ")}`);
  };
  listChanges("Skills", skills);
  listChanges("Tools", tools);
  lines.push(`Skills available: ${after.skills.map((s) => s.name).join(", ") || "(none)"}`);
  lines.push(`Built-in tools: ${BUILTIN_NAMES.join(", ")}`);
  const loaded = Object.values(toolLabels(after.catalog));
  lines.push(`Loaded tools: ${loaded.join(", ") || "(none)"}`);
  for (const u of after.catalog.unavailable) lines.push(`Unavailable: ${u.name} v${u.version} — ${u.reason}`);
  for (const f of after.catalog.refused) lines.push(`Failed: ${f.name} v${f.version} — ${f.reason}`);
  return lines.join("\n");
}
