"use client";

import { useEffect, useState } from "react";
import type { MaintenanceEstimate } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { Button } from "../ui/button";
import { Dialog, DialogActions, ErrorLine } from "../ui/dialog";
import { boardText, costText } from "./battery-model";

/** Before a battery change starts: what it will do, where, and roughly what it costs. */
export function BatteryChangeDialog({
  open,
  busy,
  onCancel,
  onConfirm,
}: {
  open: boolean;
  busy: boolean;
  onCancel(): void;
  onConfirm(): void;
}) {
  const [estimate, setEstimate] = useState<MaintenanceEstimate | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    setEstimate(null);
    setError(null);
    void learningApi.maintenanceEstimate().then((result) => {
      if (!live) return;
      if (result.ok) setEstimate(result.data);
      else setError(`Could not estimate it: ${result.message}`);
    });
    return () => {
      live = false;
    };
  }, [open]);

  return (
    <Dialog
      open={open}
      onClose={onCancel}
      title="Change batteries?"
      description="A maintenance pass over the agent's own record, in a session of its own that you can watch and stop."
      data-testid="battery-dialog"
    >
      <ul className="flex list-disc flex-col gap-2 pl-5 text-sm" data-testid="battery-explain">
        <li>
          Code analyses what happened since the last pass: tool failures, repeated commands, frictions not yet
          turned into tools, learnings and hypotheses.
        </li>
        <li>
          Then the model acts on it: it must act on the top small item, adds or updates opportunities, may
          propose tools (you approve them) and rewrites the working memory every session starts with.
        </li>
        <li data-testid="battery-board">{estimate ? boardText(estimate) : "Reading the board…"}</li>
        <li data-testid="battery-workspace">
          {estimate ? (
            estimate.workspace ? (
              <>
                It works in <span className="break-all font-mono text-fg">{estimate.workspace}</span>, the
                default workspace (never Ratchet's own folder).
              </>
            ) : (
              "There is no default workspace to work in: set workspace roots in Settings first."
            )
          ) : (
            "Finding its workspace…"
          )}
        </li>
        <li data-testid="battery-cost" className="text-fg">
          {estimate ? costText(estimate) : "Estimating its cost…"}
        </li>
      </ul>
      <ErrorLine message={error} testId="battery-estimate-error" />
      <DialogActions>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          variant="primary"
          data-testid="battery-confirm"
          disabled={busy || (estimate !== null && !estimate.workspace)}
          onClick={onConfirm}
        >
          {busy ? "Starting…" : "Start the battery change"}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
