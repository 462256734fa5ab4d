import {
  findHypothesis,
  previousSkillVersion,
  skillUseBehind,
  skillVersionAsOf,
  workingMemoryAsOf,
} from "@/lib/db/queries/evaluation-subjects";
import { findSession } from "@/lib/db/queries/sessions";
import { findSkillVersion, type SkillVersion } from "@/lib/db/queries/skills";
import { findToolVersion, findToolVersionById, type ToolVersion } from "@/lib/db/queries/tool-versions";
import { findWorkingMemory } from "@/lib/db/queries/working-memory";
import { ApiError } from "@/lib/errors";
import type { MemoryOverride } from "@/lib/learning/prompt-memory";
import { type HypothesisChange, parseHypothesisChange } from "./hypothesis-ref";
import type { SetFor } from "./replay-set";
import type { Subject } from "./views";

/** The change an evaluation replays, found in the record: what the candidate arm has that the baseline has not. */
export type Change =
  | { kind: "tool"; version: ToolVersion }
  | { kind: "memory"; memory: MemoryOverride }
  /** `baseline` null: the candidate is the skill's first version, the baseline has no such skill. */
  | { kind: "skill"; candidate: SkillVersion; baseline: SkillVersion | null };

export interface Resolved {
  change: Change;
  /** Which replay set suits it, and whose workspace is used when the request names none. */
  setFor: SetFor;
  defaultWorkspace: string | null;
  /** Set when the subject is a battery change's hypothesis: the change is the one it is about. */
  hypothesis: { id: string; claim: string; subjectType: string; subjectRef: string } | null;
}

async function toolChange(version: ToolVersion | null, what: string): Promise<Resolved> {
  if (!version) throw new ApiError("not_found", `No ${what}.`);
  if (!version.manifest || (version.status !== "proposed" && version.status !== "active"))
    throw new ApiError(
      "unprocessable",
      `${version.name} v${version.version} is ${version.status}: only a validated proposal or the active version can be evaluated.`,
    );
  const session = version.sessionId ? await findSession(version.sessionId) : null;
  return {
    change: { kind: "tool", version },
    setFor: { kind: "tool", name: version.name, sha256: version.sha256 },
    defaultWorkspace: session?.workspace ?? null,
    hypothesis: null,
  };
}

async function skillChange(candidate: SkillVersion | null, what: string): Promise<Resolved> {
  if (!candidate) throw new ApiError("not_found", `No ${what}.`);
  const baseline = await previousSkillVersion(candidate.name, candidate.version);
  if (baseline?.sha256 === candidate.sha256)
    throw new ApiError(
      "unprocessable",
      `${candidate.name} v${candidate.version} has the same content as v${baseline.version}: there is no change to evaluate.`,
    );
  return {
    change: { kind: "skill", candidate, baseline },
    setFor: { kind: "skill", name: candidate.name },
    // where the skill was last suggested or loaded: the turns its change would have changed
    defaultWorkspace: (await skillUseBehind(candidate.name)).workspace,
    hypothesis: null,
  };
}

function memoryChange(
  row: { version: number; content: string; createdAt: Date } | null,
  what: string,
): Resolved {
  if (!row) throw new ApiError("not_found", `No ${what}.`);
  return {
    change: {
      kind: "memory",
      memory: { version: row.version, content: row.content, createdAt: row.createdAt },
    },
    setFor: { kind: "none" },
    defaultWorkspace: null,
    hypothesis: null,
  };
}

/** A hypothesis's change as it stood when the hypothesis was recorded. */
function changeOf(change: HypothesisChange, at: Date): Promise<Resolved> {
  switch (change.kind) {
    case "tool":
      return "id" in change
        ? findToolVersionById(change.id).then((v) => toolChange(v, `tool version ${change.id}`))
        : findToolVersion(change.name, { version: change.version }).then((v) =>
            toolChange(v, `version ${change.version} of ${change.name}`),
          );
    case "skill":
      return (
        change.version === null
          ? skillVersionAsOf(change.name, at)
          : findSkillVersion(change.name, change.version)
      ).then((v) =>
        skillChange(
          v,
          change.version === null
            ? `version of skill ${change.name} saved before the hypothesis`
            : `version ${change.version} of skill ${change.name}`,
        ),
      );
    case "memory":
      return (change.version === null ? workingMemoryAsOf(at) : findWorkingMemory(change.version)).then((m) =>
        memoryChange(
          m,
          change.version === null
            ? "working memory was in force when the hypothesis was recorded"
            : `working memory version ${change.version}`,
        ),
      );
  }
}

async function hypothesisChange(id: string): Promise<Resolved> {
  const h = await findHypothesis(id);
  if (!h) throw new ApiError("not_found", `No hypothesis ${id}.`);
  const cannot = (why: string) =>
    new ApiError(
      "unprocessable",
      `Hypothesis ${id} ("${h.claim.slice(0, 80)}") cannot be evaluated: ${why}.`,
    );
  const parsed = parseHypothesisChange(h.subjectType, h.subjectRef);
  if (!parsed.ok) throw cannot(parsed.reason);
  let resolved: Resolved;
  try {
    resolved = await changeOf(parsed.change, h.startedAt);
  } catch (error) {
    if (error instanceof ApiError) throw cannot(error.message.replace(/\.$/, ""));
    throw error;
  }
  const hypothesis = { id: h.id, claim: h.claim, subjectType: h.subjectType, subjectRef: h.subjectRef };
  return { ...resolved, hypothesis };
}

/** The subject of a request, found in the record; a clear 404 or 422 when it cannot be evaluated. */
export async function resolveSubject(subject: Subject): Promise<Resolved> {
  switch (subject.kind) {
    case "tool":
      return toolChange(
        await findToolVersion(subject.name, { sha256: subject.sha256 }),
        `version of ${subject.name} with that sha256`,
      );
    case "skill":
      return skillChange(
        await findSkillVersion(subject.name, subject.version),
        `version ${subject.version} of skill ${subject.name}`,
      );
    case "memory":
      return memoryChange(
        await findWorkingMemory(subject.version),
        `working memory version ${subject.version}`,
      );
    case "hypothesis":
      return hypothesisChange(subject.id);
  }
}
