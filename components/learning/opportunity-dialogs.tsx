"use client";

import { type FormEvent, useEffect, useState } from "react";
import type { Effort, Impact, Opportunity, OpportunityInput, OpportunityStatus } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { Button } from "../ui/button";
import { Dialog, DialogActions, ErrorLine } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input, Textarea } from "../ui/input";
import { columnLabel } from "./board-model";
import { Segmented } from "./segmented";

export const IMPACTS: ReadonlyArray<{ value: Impact; label: string; title: string }> = [
  { value: "H", label: "High", title: "High impact" },
  { value: "M", label: "Medium", title: "Medium impact" },
  { value: "L", label: "Low", title: "Low impact" },
];

export const EFFORTS: ReadonlyArray<{ value: Effort; label: string; title: string }> = [
  { value: "S", label: "Small", title: "Small effort: under an hour" },
  { value: "M", label: "Medium", title: "Medium effort" },
  { value: "L", label: "Large", title: "Large effort" },
];

const EMPTY: OpportunityInput = {
  title: "",
  what: "",
  why: "",
  successCriteria: "",
  impact: "M",
  effort: "M",
};

/** Add a card by hand (no `card`) or edit one; editing also deletes. */
export function OpportunityDialog({
  open,
  card,
  status = "todo",
  onClose,
  onSaved,
  onDeleted,
}: {
  open: boolean;
  card: Opportunity | null;
  status?: OpportunityStatus;
  onClose(): void;
  onSaved(card: Opportunity): void;
  onDeleted(id: string): void;
}) {
  const [draft, setDraft] = useState<OpportunityInput>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (!open) return;
    setDraft(
      card
        ? {
            title: card.title,
            what: card.what,
            why: card.why,
            successCriteria: card.successCriteria,
            impact: card.impact,
            effort: card.effort,
          }
        : EMPTY,
    );
    setError(null);
    setBusy(false);
    setConfirmDelete(false);
  }, [open, card]);

  const edit = (patch: Partial<OpportunityInput>) => setDraft((d) => ({ ...d, ...patch }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft.title.trim()) {
      setError("A title is needed.");
      return;
    }
    setBusy(true);
    setError(null);
    const body = { ...draft, title: draft.title.trim() };
    const result = card
      ? await learningApi.updateOpportunity(card.id, body)
      : await learningApi.createOpportunity({ ...body, status });
    setBusy(false);
    if (result.ok) onSaved(result.data);
    else setError(result.message);
  }

  async function remove() {
    if (!card) return;
    setBusy(true);
    const result = await learningApi.deleteOpportunity(card.id);
    setBusy(false);
    if (result.ok) onDeleted(card.id);
    else setError(result.message);
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title={card ? "Edit opportunity" : "New opportunity"}
      description={card ? undefined : `Added to ${columnLabel(status)}.`}
      data-testid="opportunity-dialog"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Field label="Title" htmlFor="opportunity-title">
          <Input
            id="opportunity-title"
            data-testid="opportunity-title"
            autoFocus
            maxLength={200}
            value={draft.title}
            onChange={(e) => edit({ title: e.target.value })}
            placeholder="e.g. Cache the test database between runs"
          />
        </Field>
        <Field label="What" htmlFor="opportunity-what" hint="The change, concretely.">
          <Textarea
            id="opportunity-what"
            data-testid="opportunity-what"
            rows={2}
            maxLength={4000}
            value={draft.what}
            onChange={(e) => edit({ what: e.target.value })}
          />
        </Field>
        <Field label="Why" htmlFor="opportunity-why" hint="The evidence: what keeps going wrong or slow.">
          <Textarea
            id="opportunity-why"
            data-testid="opportunity-why"
            rows={2}
            maxLength={4000}
            value={draft.why}
            onChange={(e) => edit({ why: e.target.value })}
          />
        </Field>
        <Field label="Success criteria" htmlFor="opportunity-success" hint="How you will know it worked.">
          <Textarea
            id="opportunity-success"
            data-testid="opportunity-success"
            rows={2}
            maxLength={4000}
            value={draft.successCriteria}
            onChange={(e) => edit({ successCriteria: e.target.value })}
          />
        </Field>
        <div className="flex flex-wrap gap-6">
          <Segmented
            legend="Impact"
            testId="opportunity-impact"
            value={draft.impact}
            options={IMPACTS}
            onChange={(impact) => edit({ impact })}
          />
          <Segmented
            legend="Effort"
            testId="opportunity-effort"
            value={draft.effort}
            options={EFFORTS}
            onChange={(effort) => edit({ effort })}
          />
        </div>
        <ErrorLine message={error} />
        <div className="flex items-center justify-between gap-2 pt-1">
          <div>
            {card ? (
              confirmDelete ? (
                <span className="flex items-center gap-2">
                  <span className="text-muted text-sm">Delete for good?</span>
                  <Button
                    size="sm"
                    variant="danger"
                    data-testid="opportunity-delete-confirm"
                    disabled={busy}
                    onClick={() => void remove()}
                  >
                    Delete
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setConfirmDelete(false)}>
                    Keep
                  </Button>
                </span>
              ) : (
                <Button
                  size="sm"
                  variant="ghost"
                  className="text-red-300 hover:text-red-200"
                  onClick={() => setConfirmDelete(true)}
                >
                  Delete…
                </Button>
              )
            ) : null}
          </div>
          <span className="flex gap-2">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" data-testid="opportunity-save" disabled={busy}>
              {busy ? "Saving…" : card ? "Save" : "Add"}
            </Button>
          </span>
        </div>
      </form>
    </Dialog>
  );
}

/** Dropping a card needs a reason (the API refuses without one). */
export function DropDialog({
  card,
  onCancel,
  onConfirm,
}: {
  card: Opportunity | null;
  onCancel(): void;
  onConfirm(reason: string): void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (card) {
      setReason(card.dropReason ?? "");
      setError(null);
    }
  }, [card]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setError("Say why, so the next battery change does not raise it again.");
      return;
    }
    onConfirm(reason.trim());
  }

  return (
    <Dialog
      open={card !== null}
      onClose={onCancel}
      title="Drop this opportunity?"
      description={card ? `“${card.title}”` : undefined}
      data-testid="drop-dialog"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Field label="Reason" htmlFor="drop-reason" hint="Kept on the card and in OPPORTUNITIES.md.">
          <Textarea
            id="drop-reason"
            data-testid="drop-reason"
            autoFocus
            rows={3}
            maxLength={2000}
            value={reason}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              setReason(e.target.value);
              setError(null);
            }}
            placeholder="e.g. Superseded by the run_tests tool"
          />
        </Field>
        <ErrorLine message={error} />
        <DialogActions>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" data-testid="drop-confirm">
            Drop
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
