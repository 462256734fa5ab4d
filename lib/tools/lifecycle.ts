import { createHash, randomUUID } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ApiError } from "@/lib/api/errors";
import type { Prisma } from "@/lib/db/generated/sqlite/client";
import { createLearningEvent } from "@/lib/db/queries/learning-events";
import {
  activateToolVersion,
  countToolVersions,
  createToolVersion,
  findToolVersion,
  listActiveToolVersions,
  setToolVersionStatus,
  type ToolVersion,
} from "@/lib/db/queries/tool-versions";
import { appendEvent } from "@/lib/events/log";
import { collectSecrets } from "@/lib/sandbox";
import { TOOL_NAME } from "./manifest";
import { nearBuiltin } from "./near-names";
import { toolFile, toolsDir } from "./paths";
import { type ValidationReport, validateTool } from "./validate";

export function sha256(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}

export interface Proposal {
  name: string;
  source: string;
  reason?: string | null;
  sessionId: string | null;
  origin: "agent" | "user";
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

function asJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
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
  if (existing && existing.status !== "rejected" && existing.status !== "retired") {
    return { version: existing, report: existing.validation as unknown as ValidationReport, duplicate: true };
  }
  const { report, manifest } = await validateTool(p.source, {
    secrets: collectSecrets(process.env, []),
    schemaKey: hash,
  });
  const version = await createToolVersion({
    name: p.name,
    sha256: hash,
    source: p.source,
    origin: p.origin,
    status: report.ok ? "proposed" : "invalid",
    description: manifest?.description ?? "",
    manifest: manifest ? asJson(manifest) : null,
    validation: asJson(report),
    reason: p.reason ?? null,
    sessionId: p.sessionId,
  });
  return { version, report, duplicate: false };
}

/** Writes through a temp file and a rename, so a crash never leaves half a tool on disk. */
async function writeToolFile(name: string, source: string): Promise<void> {
  await mkdir(toolsDir(), { recursive: true });
  const tmp = path.join(toolsDir(), `.${name}.${randomUUID()}.tmp`);
  await writeFile(tmp, source);
  await rename(tmp, toolFile(name));
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

/** Approval binds to the exact content hash the person reviewed. */
export async function approveTool(name: string, sha: string, by: string): Promise<ToolVersion> {
  assertToolName(name);
  const version = await pending(name, sha);
  if (sha256(version.source) !== sha)
    throw new ApiError("conflict", "Stored source does not match its hash.");
  await writeToolFile(name, version.source);
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
  await writeToolFile(name, target.source);
  return activateToolVersion(target.id, name, { by, reason: `rolled back to v${version}` });
}

export interface DiskSync {
  /** Files that match an approved hash. */
  verified: string[];
  /** Files that differ from their approved version: refused until approved again. */
  needsApproval: string[];
  /** Files Ratchet cannot use at all. */
  ignored: Array<{ file: string; reason: string }>;
}

const FIRST_START = "ratchet (first start)";

export const SYMLINK_REASON =
  "a symbolic link: Ratchet only trusts real files in the tools folder (a link could point anywhere)";

/** What is at `file`, without following a symbolic link. */
export async function fileKind(file: string): Promise<"file" | "link" | "other" | "missing"> {
  const info = await lstat(/*turbopackIgnore: true*/ file).catch(() => null);
  if (!info) return "missing";
  if (info.isSymbolicLink()) return "link";
  return info.isFile() ? "file" : "other";
}

/**
 * Reconciles the tools folder with the database. A file nobody approved, or one edited after
 * approval, becomes a proposal in the queue; on the very first start the shipped files are trusted.
 */
export async function syncToolsFromDisk(builtinNames: readonly string[]): Promise<DiskSync> {
  const result: DiskSync = { verified: [], needsApproval: [], ignored: [] };
  let files: string[];
  try {
    files = (await readdir(/*turbopackIgnore: true*/ toolsDir())).filter((f) => f.endsWith(".mjs")).sort();
  } catch {
    return result;
  }
  const firstStart = (await countToolVersions()) === 0;
  const active = new Map((await listActiveToolVersions()).map((v) => [v.name, v]));
  for (const file of files) {
    const name = file.slice(0, -".mjs".length);
    const problem = nameProblem(name, builtinNames);
    if (problem) {
      result.ignored.push({ file, reason: problem });
      continue;
    }
    const kind = await fileKind(toolFile(name));
    if (kind !== "file") {
      result.ignored.push({ file, reason: kind === "link" ? SYMLINK_REASON : "not a regular file" });
      continue;
    }
    const source = await readFile(/*turbopackIgnore: true*/ toolFile(name), "utf8");
    const hash = sha256(source);
    if (active.get(name)?.sha256 === hash) {
      result.verified.push(name);
      continue;
    }
    const known = await findToolVersion(name, { sha256: hash });
    if (known?.status === "proposed" || known?.status === "invalid") {
      result.needsApproval.push(name);
      continue;
    }
    const reason = active.has(name)
      ? "edited on disk after approval: needs re-approval"
      : "found in the tools folder";
    const proposal = await proposeTool(
      { name, source, reason, sessionId: null, origin: "user" },
      builtinNames,
    );
    if (firstStart && !active.has(name) && proposal.report.ok) {
      await activateToolVersion(proposal.version.id, name, {
        by: FIRST_START,
        reason: "shipped in the tools folder when Ratchet first started",
      });
      result.verified.push(name);
    } else {
      result.needsApproval.push(name);
    }
  }
  return result;
}
