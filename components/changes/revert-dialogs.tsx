"use client";

import { Button } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";

/** Before a whole-turn rewind: what it does, and that nothing is deleted from the transcript. */
export function RewindDialog({
  turn,
  lastTurn,
  busy,
  onConfirm,
  onClose,
}: {
  turn: number | null;
  lastTurn: number;
  busy: boolean;
  onConfirm(): void;
  onClose(): void;
}) {
  const span = turn === null ? "" : turn === lastTurn ? `turn ${turn}` : `turns ${turn}–${lastTurn}`;
  return (
    <Dialog
      open={turn !== null}
      onClose={onClose}
      title={`Rewind to before turn ${turn ?? ""}?`}
      data-testid="rewind-dialog"
      description={`Every file changed since turn ${turn ?? ""} began is put back as it was then. The transcript keeps ${span}, marked rewound.`}
    >
      <DialogActions>
        <Button variant="ghost" onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="danger" data-testid="rewind-confirm" onClick={onConfirm} disabled={busy}>
          {busy ? "Rewinding…" : "Rewind"}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** A revert would overwrite files changed by hand since the agent's last checkpoint: say which, and ask. */
export function ConflictDialog({
  conflicts,
  what,
  busy,
  onForce,
  onClose,
}: {
  conflicts: string[] | null;
  /** What was asked, in words: "Rewind to before turn 2", "Revert src/a.ts". */
  what: string;
  busy: boolean;
  onForce(): void;
  onClose(): void;
}) {
  return (
    <Dialog
      open={conflicts !== null}
      onClose={onClose}
      title="Files changed since the agent's last step"
      data-testid="conflict-dialog"
      description={`${what} would overwrite changes made to ${
        conflicts?.length === 1 ? "this file" : "these files"
      } after the agent's last checkpoint (by hand, or by another program):`}
    >
      <ul
        data-testid="conflict-files"
        className="max-h-48 overflow-y-auto rounded-md border border-line bg-canvas px-3 py-2 font-mono text-sm"
      >
        {(conflicts ?? []).map((path) => (
          <li key={path} className="truncate text-amber-200">
            {path}
          </li>
        ))}
      </ul>
      <DialogActions>
        <Button variant="ghost" onClick={onClose} disabled={busy}>
          Keep those changes
        </Button>
        <Button variant="danger" data-testid="conflict-force" onClick={onForce} disabled={busy}>
          {busy ? "Reverting…" : "Overwrite them"}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
