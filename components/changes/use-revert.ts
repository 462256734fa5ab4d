"use client";

import { useState } from "react";
import { changesApi, type RevertBody } from "../api-client";

export type Notice = { tone: "ok" | "error"; text: string } | null;

/**
 * Putting files back: the request, the conflict it may meet (files changed since the agent's last
 * checkpoint, shown before a forced retry), and the line that says what happened.
 */
export function useRevert(sessionId: string, onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const [rewindTurn, setRewindTurn] = useState<number | null>(null);
  const [conflict, setConflict] = useState<{ body: RevertBody; what: string; conflicts: string[] } | null>(
    null,
  );

  /** `what` names the action in the notice: "Rewind to before turn 2", "Revert a.ts". */
  async function revert(body: RevertBody, what: string) {
    setBusy(true);
    setNotice(null);
    const result = await changesApi.revert(sessionId, body);
    setBusy(false);
    setRewindTurn(null);
    if (result.ok) {
      setConflict(null);
      const n = result.data.restored.length;
      setNotice({ tone: "ok", text: `${what}: ${n === 1 ? "1 file" : `${n} files`} put back.` });
      onDone();
      return;
    }
    if ("conflicts" in result) {
      if (body.force) {
        // forced, and still refused: a hunk that no longer applies to the file as it is
        setConflict(null);
        setNotice({
          tone: "error",
          text: `${what}: the file no longer holds this change as it was recorded. Revert the whole file instead.`,
        });
        return;
      }
      setConflict({ body, what, conflicts: result.conflicts });
      return;
    }
    setNotice({ tone: "error", text: `${what}: ${result.message}` });
  }

  return {
    busy,
    notice,
    setNotice,
    rewindTurn,
    askRewind: setRewindTurn,
    conflict,
    closeConflict: () => setConflict(null),
    revert: (body: RevertBody, what: string) => void revert(body, what),
    force: () => {
      if (conflict) void revert({ ...conflict.body, force: true }, conflict.what);
    },
  };
}
