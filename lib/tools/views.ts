import "server-only";
import type { CallRow } from "@/lib/db/queries/telemetry";
import {
  listAllToolVersions,
  listCallsOfToolVersion,
  listToolVersions,
  type ToolStatus,
  type ToolVersion,
  toolVersionUsage,
} from "@/lib/db/queries/tool-versions";
import { assertToolName } from "./lifecycle";
import { describeCapabilities } from "./manifest";
import type { BuiltinTool } from "./types";

/**
 * What the tools routes answer (app/api/tools/**). The types are the contract the browser reads:
 * components import them with `import type`, so a change here breaks their build.
 */

export type { DiskSync as ToolsFolderSync } from "./disk-sync";
export type { ValidationCheck, ValidationReport } from "./validate";
export type { ToolStatus };

/** GET /api/tools: agent and user tools (pending proposals first), then the built-ins. */
export interface ToolListItem {
  name: string;
  description: string;
  origin: "builtin" | "agent" | "user";
  status: "active" | "proposed" | "rejected" | "retired" | "invalid";
  version: number | "builtin";
  sha256: string | null;
  /** Versions waiting for a decision. */
  pending: number;
  /** The newest version waiting for a decision, when there is one. */
  pendingVersion: { version: number; sha256: string } | null;
  updatedAt: string | null;
}

/** The version that speaks for a tool: the active one, else the newest. */
function representative(versions: ToolVersion[]): ToolVersion | undefined {
  return versions.find((v) => v.status === "active") ?? versions[0];
}

function listStatus(v: ToolVersion): ToolListItem["status"] {
  if (v.status === "superseded") return "retired";
  return v.status as ToolListItem["status"];
}

/** GET /api/tools. */
export interface ToolList {
  tools: ToolListItem[];
}

/** The toolbox: agent-written tools, then the built-ins (passed in: they are defined in lib/agent/tools). */
export async function toolList(
  builtinTools: readonly Pick<BuiltinTool, "name" | "description">[],
): Promise<ToolListItem[]> {
  const byName = new Map<string, ToolVersion[]>();
  for (const v of await listAllToolVersions()) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  const agent: ToolListItem[] = [];
  for (const [name, versions] of byName) {
    const rep = representative(versions);
    if (!rep) continue;
    agent.push({
      name,
      description: rep.description,
      origin: rep.origin as "agent" | "user",
      status: listStatus(rep),
      version: rep.version,
      sha256: rep.sha256,
      pending: versions.filter((v) => v.status === "proposed").length,
      pendingVersion: ((p) => (p ? { version: p.version, sha256: p.sha256 } : null))(
        versions.find((v) => v.status === "proposed"),
      ),
      updatedAt: versions[0]?.createdAt.toISOString() ?? null,
    });
  }
  // pending proposals first, then the toolbox by name
  agent.sort((a, b) => Number(b.pending > 0) - Number(a.pending > 0) || a.name.localeCompare(b.name));
  const builtins: ToolListItem[] = builtinTools.map((t) => ({
    name: t.name,
    description: t.description,
    origin: "builtin",
    status: "active",
    version: "builtin",
    sha256: null,
    pending: 0,
    pendingVersion: null,
    updatedAt: null,
  }));
  return [...agent, ...builtins];
}

/** A call of one version, as its detail lists it: the telemetry call row, in part. */
export type ToolVersionCall = Pick<
  CallRow,
  "id" | "sessionId" | "ok" | "errorClass" | "errorMessage" | "durationMs" | "inputSummary" | "createdAt"
>;

/**
 * How a version fared in real calls, for the approval card: a proposal's calls are its trial calls
 * in the session that proposed it. Validation runs only its own examples; this is the rest.
 */
export interface ToolVersionUse {
  calls: number;
  successes: number;
  failures: number;
  /** The newest failed calls, newest first, each with its (masked) error. */
  lastFailures: Array<{
    createdAt: string;
    sessionId: string;
    errorClass: string | null;
    errorMessage: string | null;
  }>;
}

async function versionUse(name: string, version: number): Promise<ToolVersionUse> {
  const use = await toolVersionUsage(name, version);
  return {
    calls: use.calls,
    successes: use.successes,
    failures: use.calls - use.successes,
    lastFailures: use.lastFailures.map((f) => ({
      createdAt: f.createdAt.toISOString(),
      sessionId: f.sessionId,
      errorClass: f.errorClass,
      errorMessage: f.errorMessage,
    })),
  };
}

/** GET /api/tools/:name: every version, newest first, with its review material and recent calls. */
export async function toolDetail(name: string) {
  assertToolName(name);
  const versions = await listToolVersions(name);
  if (versions.length === 0) return null;
  const byId = new Map(versions.map((v) => [v.id, v]));
  return {
    name,
    versions: await Promise.all(
      versions.map(async (v) => {
        const manifest = v.manifest;
        const capabilities = manifest?.capabilities ?? null;
        const [calls, use] = await Promise.all([
          listCallsOfToolVersion(name, v.version, 20),
          versionUse(name, v.version),
        ]);
        return {
          id: v.id,
          version: v.version,
          sha256: v.sha256,
          // written only through lib/tools/lifecycle.ts, with these values
          status: v.status as ToolStatus,
          origin: v.origin as "agent" | "user",
          description: v.description,
          source: v.source,
          parent: v.parentId
            ? { version: byId.get(v.parentId)?.version ?? null, source: byId.get(v.parentId)?.source ?? null }
            : null,
          reason: v.reason,
          sessionId: v.sessionId,
          manifest,
          capabilities: capabilities ? describeCapabilities(capabilities) : [],
          validation: v.validation,
          decidedBy: v.decidedBy,
          decidedAt: v.decidedAt?.toISOString() ?? null,
          decisionReason: v.decisionReason,
          createdAt: v.createdAt.toISOString(),
          use,
          calls: calls.map(
            (c): ToolVersionCall => ({
              id: c.id,
              sessionId: c.sessionId,
              ok: c.ok,
              errorClass: c.errorClass,
              errorMessage: c.errorMessage,
              durationMs: c.durationMs,
              inputSummary: c.inputSummary,
              createdAt: c.createdAt.toISOString(),
            }),
          ),
        };
      }),
    ),
  };
}
export type ToolDetail = NonNullable<Awaited<ReturnType<typeof toolDetail>>>;
export type ToolVersionDetail = ToolDetail["versions"][number];

/** What approve, reject, retire and rollback answer: the version the decision left in force. */
export function toolDecision(name: string, version: ToolVersion) {
  return { name, version: version.version, status: version.status as ToolStatus, sha256: version.sha256 };
}
export type ToolDecision = ReturnType<typeof toolDecision>;
