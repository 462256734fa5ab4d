"use client";

import { useState } from "react";
import { sessionsApi } from "../api-client";
import { Button } from "../ui/button";

type State =
  | { kind: "idle" }
  | { kind: "busy" }
  | { kind: "done"; text: string }
  | { kind: "refused"; text: string; canForce: boolean };

/**
 * A worktree session's branch, brought back to the repository it was made from on demand (after
 * each turn the server does it on its own, fast-forward only). A branch that is not a fast-forward
 * is replaced only when the person confirms.
 */
export function BranchSyncButton({
  sessionId,
  branch,
  of,
}: {
  sessionId: string;
  branch: string;
  of: string;
}) {
  const [state, setState] = useState<State>({ kind: "idle" });

  async function sync(force: boolean) {
    setState({ kind: "busy" });
    const result = await sessionsApi.syncBranch(sessionId, force);
    if (result.ok)
      setState({
        kind: "done",
        text:
          result.data.result === "up-to-date"
            ? `${branch} in ${of} is up to date`
            : `${branch} in ${of} is now at ${result.data.to.slice(0, 12)}${result.data.forced ? " (replaced)" : ""}`,
      });
    else
      setState({
        kind: "refused",
        text: result.message,
        canForce: result.status === 409 && result.message.includes("not a fast-forward"),
      });
  }

  return (
    <span className="flex min-w-0 items-center gap-2 font-sans">
      <Button
        size="sm"
        variant="secondary"
        data-testid="branch-sync-button"
        disabled={state.kind === "busy"}
        onClick={() => void sync(false)}
        title={`Bring ${branch} to ${of}: fast-forward only`}
      >
        {state.kind === "busy" ? "Syncing…" : "Sync branch"}
      </Button>
      {state.kind === "done" ? (
        <span role="status" data-testid="branch-sync-status" className="truncate">
          {state.text}
        </span>
      ) : null}
      {state.kind === "refused" ? (
        <span
          role="alert"
          data-testid="branch-sync-status"
          className="truncate text-red-300"
          title={state.text}
        >
          {state.text}
        </span>
      ) : null}
      {state.kind === "refused" && state.canForce ? (
        <Button
          size="sm"
          variant="danger"
          data-testid="branch-sync-force"
          onClick={() => void sync(true)}
          title={`Replace ${branch} in ${of} with the session's branch`}
        >
          Replace anyway
        </Button>
      ) : null}
    </span>
  );
}
