"use client";

import { type FormEvent, useEffect, useState } from "react";
import type { LearningEvent, LearningType } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { Button } from "../ui/button";
import { Dialog, DialogActions, ErrorLine } from "../ui/dialog";
import { Field } from "../ui/field";
import { Select, Textarea } from "../ui/input";
import { Segmented } from "./segmented";

export const LEARNING_TYPES: ReadonlyArray<{ value: LearningType; label: string; title: string }> = [
  { value: "correction", label: "Correction", title: "What the agent did was wrong" },
  { value: "preference", label: "Preference", title: "A standing rule for later sessions" },
  { value: "pattern", label: "Pattern", title: "Something that keeps happening" },
];

export interface LearningDraft {
  type: LearningType;
  description: string;
  context: string;
  sessionId: string | null;
}

/**
 * Create a learning event by hand (optionally tied to a session) or edit one. Created events are
 * `source: user`; they reach later sessions' prompts like any other.
 */
export function LearningDialog({
  open,
  editing,
  initial,
  sessions,
  title,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The event being edited; null creates one. */
  editing: LearningEvent | null;
  initial?: Partial<LearningDraft>;
  /** Sessions to pick from when creating; omit to keep `initial.sessionId` fixed. */
  sessions?: Array<{ id: string; title: string }>;
  title?: string;
  onClose(): void;
  onSaved(event: LearningEvent): void;
}) {
  const [draft, setDraft] = useState<LearningDraft>({
    type: "correction",
    description: "",
    context: "",
    sessionId: null,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setDraft(
      editing
        ? {
            type: editing.type,
            description: editing.description,
            context: editing.context ?? "",
            sessionId: editing.sessionId,
          }
        : {
            type: initial?.type ?? "correction",
            description: initial?.description ?? "",
            context: initial?.context ?? "",
            sessionId: initial?.sessionId ?? null,
          },
    );
    setError(null);
    setBusy(false);
  }, [open, editing, initial]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const description = draft.description.trim();
    if (description.length < 3) {
      setError("Describe the learning in a few words.");
      return;
    }
    setBusy(true);
    setError(null);
    const context = draft.context.trim() ? draft.context : null;
    const result = editing
      ? await learningApi.updateLearningEvent(editing.id, { type: draft.type, description, context })
      : await learningApi.createLearningEvent({
          type: draft.type,
          description,
          context,
          sessionId: draft.sessionId,
        });
    setBusy(false);
    if (result.ok) onSaved(result.data);
    else setError(result.message);
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title={title ?? (editing ? "Edit learning" : "New learning")}
      description={
        editing
          ? undefined
          : "Learnings reach later sessions: the newest go straight into the prompt, and the next battery change folds them into working memory."
      }
      data-testid="learning-dialog"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Segmented
          legend="Type"
          testId="learning-type"
          value={draft.type}
          options={LEARNING_TYPES}
          onChange={(type) => setDraft((d) => ({ ...d, type }))}
        />
        <Field
          label="Description"
          htmlFor="learning-description"
          hint="What to do (or not do) from now on, in one or two sentences."
        >
          <Textarea
            id="learning-description"
            data-testid="learning-description"
            autoFocus
            rows={3}
            maxLength={2000}
            value={draft.description}
            onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
          />
        </Field>
        <Field
          label="Context"
          htmlFor="learning-context"
          hint="Optional: the message, and what the agent had just done."
        >
          <Textarea
            id="learning-context"
            data-testid="learning-context"
            rows={3}
            maxLength={4000}
            className="font-mono text-sm"
            value={draft.context}
            onChange={(e) => setDraft((d) => ({ ...d, context: e.target.value }))}
          />
        </Field>
        {!editing && sessions ? (
          <Field label="Session" htmlFor="learning-session" hint="Optional: where it came from.">
            <Select
              id="learning-session"
              data-testid="learning-session"
              value={draft.sessionId ?? ""}
              onChange={(e) => setDraft((d) => ({ ...d, sessionId: e.target.value || null }))}
            >
              <option value="">No session</option>
              {sessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title || s.id}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <ErrorLine message={error} />
        <DialogActions>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" data-testid="learning-save" disabled={busy}>
            {busy ? "Saving…" : editing ? "Save" : "Add learning"}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
