import { type BigIntStats, lstatSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { listCatalogToolVersions, type ToolVersion } from "@/lib/db/queries/tool-versions";
import { processState } from "@/lib/process-state";
import { importRefusal } from "./import-policy";
import { SYMLINK_REASON, sha256 } from "./lifecycle";
import type { ToolManifest } from "./manifest";
import { approvedFile } from "./paths";
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
    manifest: row.manifest,
    trial,
  };
}

/**
 * Files already read and found to match their approved hash, by path. Any write changes a file's
 * ctime (which no one can set back), so the same inode, size, mtime and ctime means the same bytes
 * and the file need not be read and hashed again on every turn. File times tick coarsely (a few
 * ms), so a file changed in the last SETTLED_MS is not remembered: a second write in the same tick
 * would look the same.
 */
const verified = processState(
  "tools.verified",
  () => new Map<string, { identity: string; sha256: string; source: string }>(),
);

const SETTLED_MS = 1000;
const settled = (ctimeNs: bigint) => Date.now() - Number(ctimeNs / 1_000_000n) > SETTLED_MS;

const MISSING = "its file is missing from the tools folder";
const UNREADABLE = "needs re-approval: its stored manifest could not be read";

/** An approved version's file as it is on disk now: its source if it still matches, else why not. */
async function checkApproved(row: ToolVersion): Promise<{ source: string } | { reason: string }> {
  const file = approvedFile(row.name, row.sha256);
  // lstat, as fileKind does: a link is refused, never followed. In place, not through the thread
  // pool: one look at a file in Ratchet's own folder for every tool on every turn (docs/benchmarks.md §26)
  let info: BigIntStats | undefined;
  try {
    info = lstatSync(/*turbopackIgnore: true*/ file, { bigint: true, throwIfNoEntry: false });
  } catch {
    info = undefined;
  }
  if (!info) return { reason: MISSING };
  if (!info.isFile())
    return {
      reason: `needs re-approval: its file is ${info.isSymbolicLink() ? SYMLINK_REASON : "not a regular file"}`,
    };
  const identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  const known = verified().get(file);
  if (known?.identity === identity && known.sha256 === row.sha256) return { source: known.source };
  let source: string;
  try {
    source = await readFile(/*turbopackIgnore: true*/ file, "utf8");
  } catch {
    return { reason: MISSING };
  }
  if (sha256(source) !== row.sha256)
    return { reason: "needs re-approval: the file changed on disk after it was approved" };
  if (settled(info.ctimeNs)) verified().set(file, { identity, sha256: row.sha256, source });
  return { source };
}

/**
 * An evaluation's replay session sees the catalog with one tool changed: `without` takes a tool out
 * (the baseline of an evaluation of the version in force), `with` puts a validated version in place
 * of any other of its name (the candidate). Set by the server for its own scratch sessions only.
 */
export interface CatalogScope {
  without?: string;
  with?: ToolVersion;
}

const scopes = processState("tools.catalogScopes", () => new Map<string, CatalogScope>());

export function scopeCatalog(sessionId: string, scope: CatalogScope | null): void {
  if (scope) scopes().set(sessionId, scope);
  else scopes().delete(sessionId);
}

/**
 * The agent-written tools a session may call right now: approved tools whose file still matches
 * the approved hash, plus this session's own validated proposals (trial), as its scope changes them.
 */
export async function loadCatalog(sessionId: string): Promise<Catalog> {
  const catalog: Catalog = { callable: [], unavailable: [], refused: [] };
  const scope = scopes().get(sessionId);
  const { trials: ownTrials, active: allActive } = await listCatalogToolVersions(sessionId);
  const changed = new Set([scope?.without, scope?.with?.name].filter((n): n is string => Boolean(n)));
  const trials = [...ownTrials.filter((t) => !changed.has(t.name)), ...(scope?.with ? [scope.with] : [])];
  const active = allActive.filter((row) => !changed.has(row.name));
  const trialNames = new Set(trials.map((t) => t.name));
  const approved = active.filter((row) => !trialNames.has(row.name));
  // every turn reads every file: side by side, in the order of the rows
  const checked = await Promise.all(approved.map(checkApproved));
  const chosen: CallableTool[] = [];
  for (const [i, row] of approved.entries()) {
    const check = checked[i];
    if (!check) continue;
    if ("reason" in check) {
      catalog.refused.push({ name: row.name, version: row.version, reason: check.reason });
      continue;
    }
    const tool = callable(row, check.source, false);
    if (tool) chosen.push(tool);
    else catalog.refused.push({ name: row.name, version: row.version, reason: UNREADABLE });
  }
  for (const row of trials) {
    const tool = callable(row, row.source, true);
    if (tool) chosen.push(tool);
  }
  for (const tool of chosen) {
    // a version approved before imports were checked: the host's loader would refuse it anyway
    const refusal = importRefusal(tool.sha256, tool.source, tool.manifest.capabilities.subprocess);
    if (refusal) {
      catalog.refused.push({ name: tool.name, version: tool.version, reason: refusal });
      continue;
    }
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
