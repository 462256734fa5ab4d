import { forgetProcess, recordProcess } from "@/lib/db/queries/processes";
import { permit } from "@/lib/permissions/asks";
import type { ToolSetDeps } from "../tool-call";
import { describeReload, scanToolbox } from "../tools/registry";
import { beforeTool } from "./checkpoints";
import type { TurnState } from "./state";
import { noteTier } from "./tiering";
import type { Transcript } from "./transcript";

/**
 * What the turn's tool calls get from it: where their parts go, what is masked, and each call's
 * context (the checked workspace, process tracking so a crash can kill what they started, reload).
 */
export function toolDeps(turn: TurnState, transcript: Transcript): ToolSetDeps {
  const { sessionId, turnId, secrets, emit } = turn;
  return {
    sessionId,
    turnId,
    secrets,
    emit,
    addToolPart: (part) => transcript.addTool(part),
    onCallFinished: async (call) => {
      // the tier rules first: their reason ("run_command failed twice") is more exact than the
      // friction the same failure raises next; a command that exited non-zero failed too
      const ok = call.ok && (call.exitCode ?? 0) === 0;
      await noteTier(turn, { type: "call", tool: call.tool, ok });
      await turn.friction?.observe(call);
    },
    beforeRun: (tool) => beforeTool(turn, tool),
    permit: (call, signal) => permit({ ...call, sessionId, turnId }, signal, emit),
    context: (callId, signal) => ({
      sessionId,
      turnId,
      callId,
      workspace: turn.workspace,
      signal,
      secrets,
      emit,
      trackProcess: async (info) => {
        await recordProcess({ pgid: info.pgid, marker: info.marker, sessionId, turnId });
      },
      untrackProcess: async (marker) => {
        await forgetProcess(marker);
      },
      reload: () => reloadToolbox(turn),
    }),
  };
}

/** reload_tools: rescans skills and tools; the next step gets a new prompt and the new tools. */
async function reloadToolbox(turn: TurnState): Promise<string> {
  const next = await scanToolbox(turn.sessionId);
  const report = describeReload(turn.toolbox ?? next, next);
  turn.toolbox = next;
  turn.promptStale = true;
  return report;
}
