import { randomUUID } from "node:crypto";
import { lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createLearningEvent } from "@/lib/db/queries/learning-events";
import {
  activateToolVersion,
  createToolVersion,
  findToolVersion,
  listActiveToolVersions,
  setToolVersionStatus,
  type ToolVersion,
} from "@/lib/db/queries/tool-versions";
import { ApiError } from "@/lib/errors";
import { appendEvent } from "@/lib/events/log";
import { collectSecrets } from "@/lib/sandbox";
import { sha256 } from "./hash";
import { importRefusal } from "./import-policy";
import { TOOL_NAME } from "./manifest";
import { nearBuiltin } from "./near-names";
import { toolFile, toolsDir } from "./paths";
import { isStarter } from "./starter-hashes";
import { type ValidationReport, validateTool } from "./validate";

export { sha256 };

export interface Proposal {
  name: string;
  source: string;
  reason?: string | null;
  sessionId: string | null;
  origin: "agent" | "user";
  /** A pinned starter: its examples ran in Ratchet's own test suite for these exact bytes. */
  examplesRanIn?: string;
}

export interface ProposalResult {
  version: ToolVersion;
  report: ValidationReport;
  /** An identical proposal already existed; nothing new was stored. */
  duplicate: boolean;
}

/** A name the agent may not take: built-ins are part of the contract, and so are their look-alikes. */
export function nameProblem(name: string, builtinNames: readonly string[]): string | null {
  if (builtinNames.includes(name)) return `${name} is a built-in tool and cannot be replaced`;
  const near = nearBuiltin(name, builtinNames);
  if (near)
    return `${name.slice(0, 80)} is too close to the built-in tool ${near} (it would be mistaken for it): choose a name that says what the tool does`;
  if (!TOOL_NAME.test(name))
    return "tool names are 2–64 characters: lowercase letters, digits and _, starting with a letter";
  return null;
}

/**
 * A 400 for a name that is not a tool name (`../x`, `a/b`, `%2e%2e`, an absolute path), before any
 * lookup: tool names become file names in the tools folder.
 */
export function assertToolName(name: string): void {
  if (!TOOL_NAME.test(name))
    throw new ApiError(
      "bad_request",
      `"${name.slice(0, 80)}" is not a tool name: tool names are 2–64 characters: lowercase letters, digits and _, starting with a letter.`,
    );
}

/** Stages a new tool or a new version: validated in the sandbox, stored, never activated here. */
export async function proposeTool(p: Proposal, builtinNames: readonly string[]): Promise<ProposalResult> {
  const problem = nameProblem(p.name, builtinNames);
  if (problem) throw new ApiError("bad_request", problem);
  const hash = sha256(p.source);
  const existing = await findToolVersion(p.name, { sha256: hash });
  // a stored report that cannot be read is not reused: the source is validated (and stored) again
  if (existing?.validation && existing.status !== "rejected" && existing.status !== "retired") {
    return { version: existing, report: existing.validation, duplicate: true };
  }
  const { report, manifest, description } = await validateTool(p.source, {
    secrets: collectSecrets(process.env, []),
    schemaKey: hash,
    ...(p.examplesRanIn ? { examplesRanIn: p.examplesRanIn } : {}),
  });
  const version = await createToolVersion({
    name: p.name,
    sha256: hash,
    source: p.source,
    origin: p.origin,
    status: report.ok ? "proposed" : "invalid",
    description: description ?? "",
    manifest,
    validation: report,
    reason: p.reason ?? null,
    sessionId: p.sessionId,
  });
  return { version, report, duplicate: false };
}

/** Writes through a temp file and a rename, so a crash never leaves half a tool on disk. */
export async function writeToolFile(name: string, source: string): Promise<void> {
  await mkdir(toolsDir(), { recursive: true });
  const tmp = path.join(toolsDir(), `.${name}.${randomUUID()}.tmp`);
  await writeFile(tmp, source);
  await rename(tmp, toolFile(name));
}

/**
 * Puts the file an approved version runs from in place: a pinned starter runs from the app's own
 * tools/ folder (read-only), so a copy in the tools folder is removed; any other is written there.
 */
async function placeToolFile(name: string, source: string, sha: string): Promise<void> {
  if (isStarter(name, sha)) await rm(toolFile(name), { force: true });
  else await writeToolFile(name, source);
}

async function tell(version: ToolVersion, decision: "approved" | "rejected", by: string, reason?: string) {
  if (!version.sessionId) return;
  await appendEvent(version.sessionId, {
    type: "tool-decision",
    tool: version.name,
    version: version.version,
    decision,
    by,
    ...(reason ? { reason } : {}),
  });
}

async function pending(name: string, sha: string): Promise<ToolVersion> {
  const version = await findToolVersion(name, { sha256: sha });
  if (!version) throw new ApiError("not_found", `No version of ${name} with sha256 ${sha.slice(0, 12)}….`);
  if (version.status === "active")
    throw new ApiError("conflict", `${name} v${version.version} is already active.`);
  if (version.status !== "proposed")
    throw new ApiError(
      "conflict",
      `${name} v${version.version} is ${version.status}; only a proposal that passed validation can be decided.`,
    );
  return version;
}

/** A version proposed before imports were checked may load code no approval can cover. */
function assertLoadsOnlyItself(version: ToolVersion): void {
  const subprocess = version.manifest?.capabilities.subprocess ?? false;
  const refusal = importRefusal(version.sha256, version.source, subprocess);
  if (refusal)
    throw new ApiError("conflict", `${version.name} v${version.version} cannot be approved: ${refusal}.`);
}

/** Approval binds to the exact content hash the person reviewed. */
export async function approveTool(name: string, sha: string, by: string): Promise<ToolVersion> {
  assertToolName(name);
  const version = await pending(name, sha);
  if (sha256(version.source) !== sha)
    throw new ApiError("conflict", "Stored source does not match its hash.");
  assertLoadsOnlyItself(version);
  await placeToolFile(name, version.source, sha);
  const active = await activateToolVersion(version.id, name, { by });
  await tell(active, "approved", by);
  return active;
}

export async function rejectTool(
  name: string,
  sha: string,
  reason: string,
  by: string,
): Promise<ToolVersion> {
  assertToolName(name);
  const version = await pending(name, sha);
  const rejected = await setToolVersionStatus(version.id, "rejected", { by, reason });
  await createLearningEvent({
    sessionId: version.sessionId,
    type: "correction",
    description: `Tool ${name} v${version.version} was rejected: ${reason}`,
    context: version.reason ? `Proposed because: ${version.reason}` : null,
    source: "user",
  });
  await tell(rejected, "rejected", by, reason);
  return rejected;
}

export async function retireTool(name: string, by: string, reason?: string): Promise<ToolVersion> {
  assertToolName(name);
  const active = (await listActiveToolVersions()).find((v) => v.name === name);
  if (!active) throw new ApiError("not_found", `${name} has no active version to retire.`);
  await rm(toolFile(name), { force: true });
  return setToolVersionStatus(active.id, "retired", { by, reason: reason ?? null });
}

/** Makes an earlier, once-approved version active again; its hash was approved before. */
export async function rollbackTool(name: string, version: number, by: string): Promise<ToolVersion> {
  assertToolName(name);
  const target = await findToolVersion(name, { version });
  if (!target) throw new ApiError("not_found", `${name} has no version ${version}.`);
  if (target.status === "active") throw new ApiError("conflict", `${name} v${version} is already active.`);
  if (!["superseded", "retired"].includes(target.status) || !target.decidedAt)
    throw new ApiError("conflict", `${name} v${version} was never approved; approve it instead.`);
  if (sha256(target.source) !== target.sha256)
    throw new ApiError("conflict", "Stored source does not match its hash.");
  assertLoadsOnlyItself(target);
  await placeToolFile(name, target.source, target.sha256);
  return activateToolVersion(target.id, name, { by, reason: `rolled back to v${version}` });
}

export const SYMLINK_REASON =
  "a symbolic link: Ratchet only trusts real files in the tools folder (a link could point anywhere)";

/** What is at `file`, without following a symbolic link. */
export async function fileKind(file: string): Promise<"file" | "link" | "other" | "missing"> {
  const info = await lstat(/*turbopackIgnore: true*/ file).catch(() => null);
  if (!info) return "missing";
  if (info.isSymbolicLink()) return "link";
  return info.isFile() ? "file" : "other";
}
