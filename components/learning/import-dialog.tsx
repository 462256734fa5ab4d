"use client";

import { type FormEvent, useEffect, useState } from "react";
import type { OpportunityImport, OpportunityImportPlan, PlannedCard } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { Button } from "../ui/button";
import { Dialog, DialogActions, ErrorLine } from "../ui/dialog";
import { Field } from "../ui/field";
import { Textarea } from "../ui/input";
import { columnLabel } from "./board-model";

const MAX_BYTES = 512 * 1024;

/**
 * Paste or upload an OPPORTUNITIES.md (Ratchet's or bmo's), see what it would do, then import. The
 * preview lists every card to create or update and every block of text that is not a card; nothing
 * is written until Import, and Import applies exactly what was shown (the server refuses a plan the
 * board has moved away from).
 */
export function ImportDialog({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose(): void;
  onImported(): void;
}) {
  const [markdown, setMarkdown] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [plan, setPlan] = useState<OpportunityImportPlan | null>(null);
  const [result, setResult] = useState<OpportunityImport | null>(null);

  useEffect(() => {
    if (!open) return;
    setMarkdown("");
    setError(null);
    setPlan(null);
    setResult(null);
  }, [open]);

  function edited(text: string) {
    setMarkdown(text);
    setPlan(null);
    setResult(null);
    setError(null);
  }

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setError("That file is over 512 KiB.");
      return;
    }
    edited(await file.text());
  }

  async function preview(event: FormEvent) {
    event.preventDefault();
    if (!markdown.trim()) {
      setError("Paste the markdown or choose a file first.");
      return;
    }
    setBusy(true);
    setError(null);
    const response = await learningApi.previewOpportunityImport(markdown);
    setBusy(false);
    if (response.ok) setPlan(response.data);
    else setError(response.message);
  }

  async function confirm() {
    if (!plan) return;
    setBusy(true);
    setError(null);
    const response = await learningApi.importOpportunities(markdown, plan.planId);
    setBusy(false);
    if (response.ok) {
      setResult(response.data);
      setPlan(null);
      onImported();
    } else {
      setError(response.message);
      // the board moved since the preview: show what an import would do now
      if (response.status === 409) {
        const again = await learningApi.previewOpportunityImport(markdown);
        if (again.ok) setPlan(again.data);
      }
    }
  }

  const writes = plan ? plan.counts.create + plan.counts.update : 0;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title="Import OPPORTUNITIES.md"
      description="Ratchet's export or bmo's file. Cards match by title: known ones are updated, new ones added; nothing is deleted. You see what will change before anything is written."
      data-testid="import-dialog"
    >
      <form onSubmit={preview} noValidate className="flex flex-col gap-4">
        <Field label="Markdown" htmlFor="import-markdown" aside={<FilePicker onFile={readFile} />}>
          <Textarea
            id="import-markdown"
            data-testid="import-markdown"
            rows={plan ? 5 : 12}
            spellCheck={false}
            className="font-mono text-sm"
            value={markdown}
            onChange={(e) => edited(e.target.value)}
            placeholder={
              "# Opportunities\n\n### Cache the test database\n- Status: todo\n- Impact: H\n- Effort: S\n- What: …\n- Why: …\n- Success criteria: …"
            }
          />
        </Field>
        <ErrorLine message={error} />
        {plan ? <ImportPreview plan={plan} /> : null}
        {result ? <ImportSummary result={result} /> : null}
        <DialogActions>
          <Button variant="ghost" onClick={onClose}>
            {result ? "Close" : "Cancel"}
          </Button>
          {plan ? (
            <Button
              variant="primary"
              data-testid="import-confirm"
              disabled={busy || writes === 0}
              onClick={() => void confirm()}
            >
              {busy ? "Importing…" : writes === 0 ? "Nothing to import" : `Import ${countCards(writes)}`}
            </Button>
          ) : (
            <Button type="submit" variant="primary" data-testid="import-submit" disabled={busy || !!result}>
              {busy ? "Reading…" : "Preview"}
            </Button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}

function countCards(n: number): string {
  return `${n} ${n === 1 ? "card" : "cards"}`;
}

function FilePicker({ onFile }: { onFile(file: File | undefined): void }) {
  return (
    <label className="cursor-pointer text-accent-text text-sm underline-offset-2 focus-within:underline hover:underline">
      Choose a file…
      <input
        type="file"
        accept=".md,.markdown,text/markdown,text/plain"
        data-testid="import-file"
        className="sr-only"
        onChange={(e) => {
          onFile(e.target.files?.[0]);
          e.target.value = "";
        }}
      />
    </label>
  );
}

const ACTION_TEXT: Record<PlannedCard["action"], string> = {
  create: "new",
  update: "update",
  unchanged: "no change",
};

function changeText(card: PlannedCard): string {
  if (card.action === "unchanged") return "already on the board as written";
  const f = card.fields;
  const parts = [
    f.status ? columnLabel(f.status) : null,
    f.impact ? `impact ${f.impact}` : null,
    f.effort ? `effort ${f.effort}` : null,
  ].filter(Boolean);
  if (card.action === "update") {
    const others = Object.keys(f).filter((k) => !["status", "impact", "effort"].includes(k));
    return [...parts, ...others].join(", ") || "—";
  }
  return parts.join(" · ");
}

function ImportPreview({ plan }: { plan: OpportunityImportPlan }) {
  const { counts } = plan;
  return (
    <div
      role="status"
      data-testid="import-preview"
      className="flex max-h-[40vh] flex-col gap-2 overflow-y-auto rounded-md border border-line bg-panel-2 px-3 py-2 text-sm"
    >
      <p className="text-fg" data-testid="import-preview-counts">
        <span className="text-emerald-300">{counts.create} to create</span>
        <span className="text-faint"> · </span>
        <span className="text-accent-text">{counts.update} to update</span>
        <span className="text-faint"> · </span>
        <span className="text-muted">{counts.unchanged} unchanged</span>
        {counts.unread ? (
          <>
            <span className="text-faint"> · </span>
            <span className="text-amber-300">{counts.unread} not read</span>
          </>
        ) : null}
        {counts.errors ? (
          <>
            <span className="text-faint"> · </span>
            <span className="text-red-300">{counts.errors} skipped</span>
          </>
        ) : null}
        <span className="text-faint"> · nothing written yet</span>
      </p>
      {plan.cards.length ? (
        <ul className="flex flex-col gap-1" aria-label="Cards">
          {plan.cards.map((card) => (
            <li key={card.line} data-testid="import-preview-card" data-action={card.action}>
              <span className="font-mono text-faint text-xs">line {card.line}</span>{" "}
              <span
                className={
                  card.action === "create"
                    ? "text-emerald-300"
                    : card.action === "update"
                      ? "text-accent-text"
                      : "text-faint"
                }
              >
                {ACTION_TEXT[card.action]}
              </span>{" "}
              <span className="text-fg">{card.title}</span>{" "}
              <span className="text-muted text-xs">{changeText(card)}</span>
              {card.notes.map((note) => (
                <span key={note} className="block pl-4 text-amber-200 text-xs">
                  {note}
                </span>
              ))}
            </li>
          ))}
        </ul>
      ) : null}
      {plan.unread.length ? (
        <div data-testid="import-preview-unread">
          <p className="text-amber-300 text-xs">Not read (not cards: section text, tables, findings):</p>
          <ul className="flex flex-col gap-0.5 text-muted text-xs">
            {plan.unread.map((u) => (
              <li key={u.line}>
                <span className="font-mono text-faint">
                  line {u.line}
                  {u.lines > 1 ? `–${u.line + u.lines - 1}` : ""}
                </span>{" "}
                {u.text}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {plan.errors.length ? (
        <ul className="flex flex-col gap-1 text-red-300 text-xs" data-testid="import-preview-errors">
          {plan.errors.map((e) => (
            <li key={`${e.line}:${e.message}`}>
              <span className="font-mono text-red-200">line {e.line}</span>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ImportSummary({ result }: { result: OpportunityImport }) {
  return (
    <div
      role="status"
      data-testid="import-result"
      className="rounded-md border border-line bg-panel-2 px-3 py-2"
    >
      <p className="text-fg">
        <span className="text-emerald-300">{result.created} created</span>
        <span className="text-faint"> · </span>
        <span className="text-accent-text">{result.updated} updated</span>
        {result.unchanged ? (
          <>
            <span className="text-faint"> · </span>
            <span className="text-muted">{result.unchanged} unchanged</span>
          </>
        ) : null}
        {result.errors.length ? (
          <>
            <span className="text-faint"> · </span>
            <span className="text-red-300">{result.errors.length} skipped</span>
          </>
        ) : null}
      </p>
    </div>
  );
}
