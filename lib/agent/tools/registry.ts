import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { listSkills, type SkillSummary } from "@/lib/skills/catalog";
import { loadSkill } from "./load-skill";
import { logLearningEvent } from "./log-learning-event";
import { reloadTools } from "./reload-tools";
import { runCommand } from "./run-command";
import type { BuiltinTool } from "./types";

/** The one list of built-in tools; names are part of the public API. */
export const BUILTIN_TOOLS: readonly BuiltinTool[] = [runCommand, loadSkill, reloadTools, logLearningEvent];

export function toolsDir(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.RATCHET_TOOLS_DIR ?? path.join(process.cwd(), "tools"),
  );
}

export interface ToolboxSnapshot {
  skills: SkillSummary[];
  /** Agent-written tool modules on disk, by file name → sha256. */
  toolFiles: Record<string, string>;
}

async function scanToolFiles(dir = toolsDir()): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  let names: string[];
  try {
    names = await readdir(/*turbopackIgnore: true*/ dir);
  } catch {
    return files;
  }
  for (const name of names.sort()) {
    if (!/\.(mjs|js|ts)$/.test(name)) continue;
    const source = await readFile(/*turbopackIgnore: true*/ path.join(dir, name));
    files[name] = createHash("sha256").update(source).digest("hex");
  }
  return files;
}

export async function scanToolbox(): Promise<ToolboxSnapshot> {
  const [skills, toolFiles] = await Promise.all([listSkills(), scanToolFiles()]);
  return { skills, toolFiles };
}

function diffKeys(before: Record<string, string>, after: Record<string, string>) {
  const added = Object.keys(after).filter((k) => !(k in before));
  const removed = Object.keys(before).filter((k) => !(k in after));
  const changed = Object.keys(after).filter((k) => k in before && before[k] !== after[k]);
  return { added, removed, changed };
}

/** A human- and model-readable account of what a rescan found. */
export function describeReload(before: ToolboxSnapshot, after: ToolboxSnapshot): string {
  const skillMap = (s: SkillSummary[]) => Object.fromEntries(s.map((x) => [x.name, x.description]));
  const skills = diffKeys(skillMap(before.skills), skillMap(after.skills));
  const tools = diffKeys(before.toolFiles, after.toolFiles);
  const lines: string[] = [];
  const nothing = [...Object.values(skills), ...Object.values(tools)].every((l) => l.length === 0);
  lines.push(nothing ? "No changes." : "Reloaded.");
  const listChanges = (label: string, d: { added: string[]; removed: string[]; changed: string[] }) => {
    if (d.added.length) lines.push(`${label} added: ${d.added.join(", ")}`);
    if (d.changed.length) lines.push(`${label} changed: ${d.changed.join(", ")}`);
    if (d.removed.length) lines.push(`${label} removed: ${d.removed.join(", ")}`);
  };
  listChanges("Skills", skills);
  listChanges("Tool files", tools);
  lines.push(`Skills available: ${after.skills.map((s) => s.name).join(", ") || "(none)"}`);
  lines.push(`Built-in tools: ${BUILTIN_TOOLS.map((t) => t.name).join(", ")}`);
  const files = Object.keys(after.toolFiles);
  if (files.length) {
    lines.push(
      `Agent-written tool files in tools/ (${files.join(", ")}) are not callable yet: they run only after sandboxed validation and approval.`,
    );
  }
  return lines.join("\n");
}
