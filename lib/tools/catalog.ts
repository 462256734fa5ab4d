import { readFile } from "node:fs/promises";
import {
  listActiveToolVersions,
  listTrialToolVersions,
  type ToolVersion,
} from "@/lib/db/queries/tool-versions";
import { fileKind, SYMLINK_REASON, sha256 } from "./lifecycle";
import type { ToolManifest } from "./manifest";
import { toolFile } from "./paths";
import { missingBinaries } from "./validate";

export interface CallableTool {
  name: string;
  version: number;
  versionId: string;
  sha256: string;
  source: string;
  manifest: ToolManifest;
  /** A proposal only its own session may use until a person approves it. */
  trial: boolean;
}

export interface Catalog {
  callable: CallableTool[];
  unavailable: Array<{ name: string; version: number; reason: string }>;
  refused: Array<{ name: string; version: number; reason: string }>;
}

function callable(row: ToolVersion, source: string, trial: boolean): CallableTool | null {
  if (!row.manifest) return null;
  return {
    name: row.name,
    version: row.version,
    versionId: row.id,
    sha256: row.sha256,
    source,
    manifest: row.manifest as unknown as ToolManifest,
    trial,
  };
}

/**
 * The agent-written tools a session may call right now: approved tools whose file still matches
 * the approved hash, plus this session's own validated proposals (trial).
 */
export async function loadCatalog(sessionId: string): Promise<Catalog> {
  const catalog: Catalog = { callable: [], unavailable: [], refused: [] };
  const trials = await listTrialToolVersions(sessionId);
  const trialNames = new Set(trials.map((t) => t.name));
  const chosen: CallableTool[] = [];
  for (const row of await listActiveToolVersions()) {
    if (trialNames.has(row.name)) continue;
    let source: string;
    const kind = await fileKind(toolFile(row.name));
    if (kind === "link" || kind === "other") {
      catalog.refused.push({
        name: row.name,
        version: row.version,
        reason: `needs re-approval: its file is ${kind === "link" ? SYMLINK_REASON : "not a regular file"}`,
      });
      continue;
    }
    try {
      source = await readFile(/*turbopackIgnore: true*/ toolFile(row.name), "utf8");
    } catch {
      catalog.refused.push({
        name: row.name,
        version: row.version,
        reason: "its file is missing from the tools folder",
      });
      continue;
    }
    if (sha256(source) !== row.sha256) {
      catalog.refused.push({
        name: row.name,
        version: row.version,
        reason: "needs re-approval: the file changed on disk after it was approved",
      });
      continue;
    }
    const tool = callable(row, source, false);
    if (tool) chosen.push(tool);
  }
  for (const row of trials) {
    const tool = callable(row, row.source, true);
    if (tool) chosen.push(tool);
  }
  for (const tool of chosen) {
    const missing = missingBinaries(tool.manifest.requires);
    if (missing.length)
      catalog.unavailable.push({
        name: tool.name,
        version: tool.version,
        reason: `requires ${missing.join(", ")}`,
      });
    else catalog.callable.push(tool);
  }
  catalog.callable.sort((a, b) => a.name.localeCompare(b.name));
  return catalog;
}
