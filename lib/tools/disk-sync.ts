import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  activateToolVersion,
  findToolVersion,
  listActiveToolVersions,
  returnToolVersionToQueue,
  type ToolVersion,
} from "@/lib/db/queries/tool-versions";
import { sha256 } from "./hash";
import { importRefusal } from "./import-policy";
import { fileKind, nameProblem, proposeTool, SYMLINK_REASON, writeToolFile } from "./lifecycle";
import { starterToolsDir, toolFile, toolsDir } from "./paths";
import { isStarter } from "./starter-hashes";

export interface DiskSync {
  /** Files that match an approved hash. */
  verified: string[];
  /** Files that differ from their approved version, or were never approved: refused until approved. */
  needsApproval: string[];
  /** Approved tools that load code their approval does not cover: refused until a new version is approved. */
  refused: Array<{ name: string; reason: string }>;
  /** Files Ratchet cannot use at all. */
  ignored: Array<{ file: string; reason: string }>;
  /** Approved tools copied from the app's tools/ folder into the tools folder (an upgrade). */
  moved: string[];
  /** Versions an earlier Ratchet activated without a person, back in the queue. */
  requeued: string[];
}

/** Who activated a version when nobody did: pinned starters now, anything found at first start before. */
export const STARTER_DECIDER = "ratchet (starter)";
const FIRST_START_DECIDER = "ratchet (first start)";

const STARTER_REASON =
  "a starter tool shipped with Ratchet: its exact sha256 is pinned in Ratchet's source (lib/tools/starter-hashes.ts)";
const REQUEUED_REASON =
  "an earlier Ratchet activated it without a person's approval because it was in the tools folder at its first start; it waits for one now";

interface Sync {
  result: DiskSync;
  builtinNames: readonly string[];
  active: Map<string, ToolVersion>;
}

interface ToolFile {
  file: string;
  name: string;
  source: string;
  sha: string;
}

/** The real `.mjs` files of a folder with a tool's name; links and oddities are reported, never read. */
async function readToolFiles(dir: string, sync: Sync, label: (file: string) => string): Promise<ToolFile[]> {
  let entries: string[];
  try {
    entries = (await readdir(/*turbopackIgnore: true*/ dir)).filter((f) => f.endsWith(".mjs")).sort();
  } catch {
    return [];
  }
  const files: ToolFile[] = [];
  for (const file of entries) {
    const name = file.slice(0, -".mjs".length);
    const problem = nameProblem(name, sync.builtinNames);
    if (problem) {
      sync.result.ignored.push({ file: label(file), reason: problem });
      continue;
    }
    const full = path.join(dir, file);
    const kind = await fileKind(full);
    if (kind !== "file") {
      sync.result.ignored.push({
        file: label(file),
        reason: kind === "link" ? SYMLINK_REASON : "not a regular file",
      });
      continue;
    }
    const source = await readFile(/*turbopackIgnore: true*/ full, "utf8");
    files.push({ file, name, source, sha: sha256(source) });
  }
  return files;
}

/** A file that matches no approved version becomes a proposal; nothing found on disk is trusted. */
async function queue(tool: ToolFile, where: string, sync: Sync): Promise<void> {
  const known = await findToolVersion(tool.name, { sha256: tool.sha });
  if (known?.status === "proposed" || known?.status === "invalid") {
    sync.result.needsApproval.push(tool.name);
    return;
  }
  const reason = sync.active.has(tool.name)
    ? "edited on disk after approval: needs re-approval"
    : `found in ${where}`;
  await proposeTool(
    { name: tool.name, source: tool.source, reason, sessionId: null, origin: "user" },
    sync.builtinNames,
  );
  sync.result.needsApproval.push(tool.name);
}

/** First: versions activated by nobody (the old first-start trust) go back to the queue. */
async function requeueImplicitTrust(sync: Sync): Promise<void> {
  for (const [name, version] of sync.active) {
    if (version.decidedBy !== FIRST_START_DECIDER || isStarter(name, version.sha256)) continue;
    await returnToolVersionToQueue(version.id, REQUEUED_REASON);
    sync.active.delete(name);
    sync.result.requeued.push(name);
  }
}

/**
 * A pinned starter starts approved when the name is Ratchet's own: no version is active, or the
 * active one was activated by Ratchet (an older starter). When a person approved a version of
 * their own, the new starter waits for them; a starter a person retired or rejected stays so.
 */
async function syncStarter(tool: ToolFile, sync: Sync): Promise<void> {
  const active = sync.active.get(tool.name);
  if (active?.sha256 === tool.sha) {
    sync.result.verified.push(tool.name);
    return;
  }
  let version = await findToolVersion(tool.name, { sha256: tool.sha });
  if (version && version.status !== "proposed") {
    if (version.status === "invalid") sync.result.needsApproval.push(tool.name);
    return;
  }
  version ??= (
    await proposeTool(
      {
        name: tool.name,
        source: tool.source,
        reason: STARTER_REASON,
        sessionId: null,
        origin: "user",
        // pinned: these bytes are the ones lib/tools/shipped-tools.test.ts runs every example of
        examplesRanIn: "Ratchet's test suite (lib/tools/shipped-tools.test.ts)",
      },
      sync.builtinNames,
    )
  ).version;
  const ratchetsOwn =
    !active || active.decidedBy === STARTER_DECIDER || active.decidedBy === FIRST_START_DECIDER;
  if (version.status !== "proposed" || !ratchetsOwn) {
    sync.result.needsApproval.push(tool.name);
    return;
  }
  const activated = await activateToolVersion(version.id, tool.name, {
    by: STARTER_DECIDER,
    reason: STARTER_REASON,
  });
  sync.active.set(tool.name, activated);
  sync.result.verified.push(tool.name);
}

/**
 * The app's own tools/ folder: pinned starters, and (an install from before approved tools moved
 * to the data dir) approved tools, copied to the tools folder with their approvals intact.
 * Anything else there is a proposal like any file.
 */
async function syncAppFolder(sync: Sync): Promise<void> {
  const dir = starterToolsDir();
  for (const tool of await readToolFiles(dir, sync, (file) => path.join(dir, file))) {
    if (isStarter(tool.name, tool.sha)) {
      await syncStarter(tool, sync);
      continue;
    }
    if (sync.active.get(tool.name)?.sha256 === tool.sha) {
      if ((await fileKind(toolFile(tool.name))) === "missing") {
        await writeToolFile(tool.name, tool.source);
        sync.result.moved.push(tool.name);
      }
      continue;
    }
    await queue(tool, "the app's tools folder", sync);
  }
}

/**
 * Reconciles both tools folders with the database. Only the starters whose exact hashes ship with
 * Ratchet start approved; every other file nobody approved, or one edited after approval, becomes
 * a proposal in the queue. Approved versions that load code outside their hash are reported.
 */
export async function syncToolsFromDisk(builtinNames: readonly string[]): Promise<DiskSync> {
  const result: DiskSync = {
    verified: [],
    needsApproval: [],
    refused: [],
    ignored: [],
    moved: [],
    requeued: [],
  };
  const active = new Map((await listActiveToolVersions()).map((v) => [v.name, v]));
  const sync: Sync = { result, builtinNames, active };
  await requeueImplicitTrust(sync);
  await syncAppFolder(sync);
  for (const tool of await readToolFiles(toolsDir(), sync, (file) => file)) {
    if (sync.active.get(tool.name)?.sha256 === tool.sha) {
      if (!result.verified.includes(tool.name)) result.verified.push(tool.name);
      continue;
    }
    await queue(tool, "the tools folder", sync);
  }
  for (const version of sync.active.values()) {
    const subprocess = version.manifest?.capabilities.subprocess ?? false;
    const reason = importRefusal(version.sha256, version.source, subprocess);
    if (!reason) continue;
    result.refused.push({ name: version.name, reason });
    result.verified = result.verified.filter((name) => name !== version.name);
  }
  result.needsApproval = [...new Set(result.needsApproval)].sort();
  result.verified.sort();
  return result;
}
