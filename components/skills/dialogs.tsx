"use client";

import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { SKILL_NAME, skillTemplate } from "@/lib/skills/parse";
import { skillsApi } from "../api-client";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input, Textarea } from "../ui/input";

function nameHint(name: string): string | null {
  if (name === "") return null;
  return SKILL_NAME.test(name)
    ? null
    : "Lowercase letters, digits and single dashes, starting and ending with a letter or digit, at most 64 characters.";
}

function ErrorLine({ message }: { message: string | null }) {
  return message ? (
    <p role="alert" data-testid="dialog-error" className="text-red-300 text-sm">
      {message}
    </p>
  ) : null;
}

export function CreateSkillDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(name: string): void;
}) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hint = nameHint(name);
  const ready = name !== "" && !hint && description.trim().length > 0 && !busy;

  useEffect(() => {
    if (!open) return;
    setName("");
    setDescription("");
    setError(null);
  }, [open]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    const result = await skillsApi.save(name, { content: skillTemplate(name, description), create: true });
    setBusy(false);
    if (result.ok) onCreated(name);
    else setError("conflict" in result ? `A skill named ${name} already exists.` : result.message);
  }

  return (
    <Dialog open={open} onClose={onClose} title="New skill" data-testid="new-skill-dialog">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field
          label="Name"
          htmlFor="new-skill-name"
          hint={hint ?? "Also the folder name: skills/<name>/SKILL.md."}
        >
          <Input
            id="new-skill-name"
            data-testid="new-skill-name"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={name}
            maxLength={64}
            aria-invalid={hint ? true : undefined}
            onChange={(e) => setName(e.target.value.toLowerCase().replace(/\s+/g, "-"))}
            className="font-mono text-sm"
            placeholder="e.g. release-checklist"
          />
        </Field>
        <Field
          label="Description"
          htmlFor="new-skill-description"
          hint="What it is for and when to load it. The agent sees only this until it loads the skill."
        >
          <Textarea
            id="new-skill-description"
            data-testid="new-skill-description"
            rows={3}
            maxLength={1024}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <ErrorLine message={error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={!ready} data-testid="new-skill-submit">
            {busy ? "Creating…" : "Create skill"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function RenameSkillDialog({
  open,
  name,
  onClose,
  onRenamed,
}: {
  open: boolean;
  name: string;
  onClose(): void;
  onRenamed(to: string): void;
}) {
  const [to, setTo] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hint = nameHint(to);
  const ready = to !== "" && to !== name && !hint && !busy;

  useEffect(() => {
    if (!open) return;
    setTo(name);
    setError(null);
  }, [open, name]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    const result = await skillsApi.rename(name, to);
    setBusy(false);
    if (result.ok) onRenamed(to);
    else setError(result.message);
  }

  return (
    <Dialog open={open} onClose={onClose} title={`Rename ${name}`} data-testid="rename-dialog">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field
          label="New name"
          htmlFor="rename-input"
          hint={
            hint ?? "Renames the folder and the front matter's name; the history and usage counts move along."
          }
        >
          <Input
            id="rename-input"
            data-testid="rename-input"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={to}
            maxLength={64}
            aria-invalid={hint ? true : undefined}
            onChange={(e) => setTo(e.target.value.toLowerCase().replace(/\s+/g, "-"))}
            className="font-mono text-sm"
          />
        </Field>
        <ErrorLine message={error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={!ready} data-testid="rename-submit">
            {busy ? "Renaming…" : "Rename"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** A yes/no question with the destructive or irreversible action spelled out. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busyLabel,
  danger,
  onClose,
  onConfirm,
  testId,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  danger?: boolean;
  onClose(): void;
  /** Resolves to an error message, or null when done. */
  onConfirm(): Promise<string | null>;
  testId: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const message = await onConfirm();
    setBusy(false);
    setError(message);
  }

  return (
    <Dialog open={open} onClose={onClose} title={title} data-testid={testId}>
      <form onSubmit={confirm} className="flex flex-col gap-4">
        <div className="space-y-2 text-muted">{children}</div>
        <ErrorLine message={error} />
        <div className="flex justify-end gap-2">
          {/* The safe choice has focus first. */}
          <Button autoFocus onClick={onClose}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant={danger ? "danger" : "primary"}
            disabled={busy}
            data-testid={`${testId}-confirm`}
          >
            {busy ? busyLabel : confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
