import { skillUseBehind } from "@/lib/db/queries/evaluation-subjects";
import {
  frictionTurnsBehindTool,
  listRecordedTurns,
  replayChoices,
  setReplayChoice,
  turnWorkspace,
} from "@/lib/db/queries/replay-cases";
import { findToolVersion } from "@/lib/db/queries/tool-versions";
import { ApiError } from "@/lib/errors";
import { type Focus, NO_FOCUS, type ReplayCase, selectCases } from "./cases";

/** What the replay set is chosen for: nothing in particular, an agent-written tool's version, or a skill. */
export type SetFor =
  | { kind: "none" }
  | { kind: "tool"; name: string; sha256: string }
  | { kind: "skill"; name: string };

/** The record behind a subject: the friction turns that led to it, their commands, the tool itself. */
export async function focusFor(subject: SetFor): Promise<Focus> {
  if (subject.kind === "none") return NO_FOCUS;
  if (subject.kind === "skill") {
    // the turns the skill was suggested or loaded in come first: its change would have changed them
    const behind = await skillUseBehind(subject.name);
    return { turnIds: new Set(behind.turnIds), commandKeys: new Set(), tools: new Set() };
  }
  const version = await findToolVersion(subject.name, { sha256: subject.sha256 });
  if (!version) throw new ApiError("not_found", `No version of ${subject.name} with that sha256.`);
  const behind = await frictionTurnsBehindTool(subject.name, version);
  return {
    turnIds: new Set(behind.turnIds),
    commandKeys: new Set(behind.commandKeys),
    tools: new Set([subject.name]),
  };
}

/** A workspace's replay set, as the rules and a person's choices make it. */
export async function replaySet(
  workspace: string,
  subject: SetFor = { kind: "none" },
): Promise<ReplayCase[]> {
  const [turns, choices, focus] = await Promise.all([
    listRecordedTurns({ workspace }),
    replayChoices(workspace),
    focusFor(subject),
  ]);
  // the friction turns may be in another workspace's sessions: a case replays in its own workspace
  return selectCases(
    turns.filter((t) => t.workspace === workspace),
    { focus, choices },
  );
}

/** A person includes a recorded turn in its workspace's replay set, or leaves it out. */
export async function chooseCase(
  turnId: string,
  included: boolean,
  by: string,
): Promise<{ workspace: string }> {
  const workspace = await turnWorkspace(turnId);
  if (!workspace) throw new ApiError("not_found", `No recorded turn ${turnId}.`);
  await setReplayChoice(turnId, workspace, included, by);
  return { workspace };
}
