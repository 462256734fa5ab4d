"use client";

import { type FormEvent, useEffect, useRef, useState } from "react";
import type { McpPromptList, McpPromptView } from "@/lib/mcp/views";
import { isAbortError, mcpPromptsApi } from "../api-client";
import { Button } from "../ui/button";
import { Dialog, DialogActions, ErrorLine } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";

const keyOf = (p: McpPromptView) => `${p.server}/${p.name}`;

/**
 * Picks one of the session's approved MCP prompts, asks for its arguments and hands its text back
 * for the composer. The text is the server's (framed and marked as such by the API): the person
 * reads and edits it before sending, so nothing here sends anything to the model.
 */
export function McpPromptsDialog({
  sessionId,
  prompts,
  open,
  onClose,
  onInsert,
}: {
  sessionId: string;
  prompts: McpPromptList;
  open: boolean;
  onClose(): void;
  onInsert(text: string): void;
}) {
  const [picked, setPicked] = useState<McpPromptView | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const back = useRef(false);

  // a prompt still loading when the dialog closes is dropped: nothing is inserted afterwards
  const loading = useRef<AbortController | null>(null);
  useEffect(() => {
    if (!open) {
      loading.current?.abort();
      loading.current = null;
      return;
    }
    setPicked(null);
    setValues({});
    setError(null);
  }, [open]);

  // Back to the list: focus its first option (showModal() does that only when the dialog opens)
  useEffect(() => {
    if (picked || !back.current) return;
    back.current = false;
    list.current?.querySelector("button")?.focus();
  }, [picked]);

  function pick(prompt: McpPromptView) {
    setPicked(prompt);
    setValues(Object.fromEntries(prompt.arguments.map((a) => [a.name, ""])));
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!picked || busy) return;
    // an argument left empty is not sent: the server's rule names a required one that is missing
    const args = Object.fromEntries(
      picked.arguments
        .filter((a) => (values[a.name] ?? "") !== "")
        .map((a) => [a.name, values[a.name] ?? ""]),
    );
    const controller = new AbortController();
    loading.current = controller;
    setBusy(true);
    setError(null);
    try {
      const body = { server: picked.server, name: picked.name, arguments: args };
      const result = await mcpPromptsApi.text(sessionId, body, controller.signal);
      if (controller.signal.aborted) return;
      if (result.ok) onInsert(result.data.text);
      else setError(result.message);
    } catch (e) {
      if (!isAbortError(e)) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (loading.current === controller) loading.current = null;
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title={picked ? `Insert ${picked.name}` : "Insert an MCP prompt"}
      description={
        picked
          ? picked.description || `A prompt of the MCP server ${picked.server}.`
          : "Prompts of the approved MCP servers. The text is put in the composer for you to edit and send."
      }
      data-testid="mcp-prompts-dialog"
    >
      {picked ? (
        <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
          {picked.arguments.length === 0 ? (
            <p className="text-muted text-sm">This prompt takes no arguments.</p>
          ) : (
            picked.arguments.map((arg, i) => (
              <Field
                key={arg.name}
                label={arg.required ? `${arg.name} (required)` : arg.name}
                htmlFor={`mcp-prompt-arg-${arg.name}`}
                hint={arg.description || undefined}
              >
                <Input
                  id={`mcp-prompt-arg-${arg.name}`}
                  data-testid={`mcp-prompt-arg-${arg.name}`}
                  autoFocus={i === 0}
                  autoComplete="off"
                  spellCheck={false}
                  required={arg.required}
                  aria-required={arg.required}
                  maxLength={8192}
                  value={values[arg.name] ?? ""}
                  onChange={(e) => setValues((v) => ({ ...v, [arg.name]: e.target.value }))}
                  className="font-mono text-sm"
                />
              </Field>
            ))
          )}
          <ErrorLine message={error} testId="mcp-prompt-error" />
          <DialogActions>
            <Button
              variant="ghost"
              onClick={() => {
                back.current = true;
                setPicked(null);
              }}
            >
              Back
            </Button>
            <Button
              type="submit"
              variant="primary"
              data-testid="mcp-prompt-insert"
              disabled={busy}
              autoFocus={picked.arguments.length === 0}
            >
              {busy ? "Loading…" : "Insert"}
            </Button>
          </DialogActions>
        </form>
      ) : (
        <ul ref={list} className="flex max-h-80 flex-col gap-1 overflow-y-auto" data-testid="mcp-prompt-list">
          {/* showModal() focuses the first option */}
          {prompts.map((prompt) => (
            <li key={keyOf(prompt)}>
              <button
                type="button"
                data-testid="mcp-prompt-option"
                onClick={() => pick(prompt)}
                className="flex w-full flex-col items-start gap-0.5 rounded-md border border-transparent px-2.5 py-2 text-left transition-colors hover:border-line hover:bg-hover focus:border-accent focus:outline-none"
              >
                <span className="flex items-center gap-2">
                  <span className="font-medium font-mono text-fg text-sm">{prompt.name}</span>
                  <span className="rounded-full bg-panel-2 px-1.5 py-px font-medium text-[10px] text-muted">
                    {prompt.server}
                  </span>
                  {prompt.arguments.length ? (
                    <span className="text-faint text-xs">
                      {prompt.arguments.map((a) => (a.required ? `${a.name}*` : a.name)).join(", ")}
                    </span>
                  ) : null}
                </span>
                {prompt.description ? (
                  <span className="line-clamp-2 text-muted text-sm">{prompt.description}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
