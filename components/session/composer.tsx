"use client";

import Link from "next/link";
import { type FormEvent, type KeyboardEvent, type RefObject, useEffect, useRef, useState } from "react";
import type { SessionStatus } from "@/lib/events/types";
import type { McpPromptList } from "@/lib/mcp/views";
import { isAbortError, mcpPromptsApi, sessionsApi } from "../api-client";
import { Button } from "../ui/button";
import { Kbd } from "../ui/kbd";
import { useHydrated } from "../use-hydrated";
import { McpPromptsDialog } from "./mcp-prompts-dialog";

const BUSY_MESSAGE = "A turn is already running — stop it or wait.";

/** The last message the person sent: what edit-and-resend and retry replace. */
export interface LastSent {
  messageId: string;
  text: string;
}

export function Composer({
  sessionId,
  status,
  textareaRef,
  onStop,
  editing,
  onCancelEdit,
  retry,
  onResume,
}: {
  sessionId: string;
  status: SessionStatus | null;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  onStop: () => void;
  /** The message being edited: the next send replaces it (and its answer). */
  editing: LastSent | null;
  onCancelEdit: () => void;
  /** The message whose turn failed, offered for a retry; null when there is nothing to retry. */
  retry: LastSent | null;
  onResume: () => void;
}) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [prompts, setPrompts] = useState<McpPromptList>([]);
  const [promptsOpen, setPromptsOpen] = useState(false);
  // where the text goes: the selection when the dialog opened (the textarea keeps it while blurred)
  const insertAt = useRef<{ start: number; end: number } | null>(null);

  // read again when the window comes back: a server may have been approved on the Tools page meanwhile
  useEffect(() => {
    const controller = new AbortController();
    const load = () =>
      mcpPromptsApi.list(sessionId, controller.signal).then(
        (result) => {
          if (result.ok) setPrompts(result.data);
        },
        (e: unknown) => {
          if (!isAbortError(e)) setPrompts([]);
        },
      );
    void load();
    window.addEventListener("focus", load);
    return () => {
      window.removeEventListener("focus", load);
      controller.abort();
    };
  }, [sessionId]);

  function openPrompts() {
    const textarea = textareaRef.current;
    insertAt.current = textarea ? { start: textarea.selectionStart, end: textarea.selectionEnd } : null;
    setPromptsOpen(true);
  }

  function closePrompts() {
    setPromptsOpen(false);
    textareaRef.current?.focus();
  }

  /** The prompt's text at the cursor (replacing a selection), for the person to edit and send. */
  function insertPrompt(text: string) {
    const textarea = textareaRef.current;
    setPromptsOpen(false);
    if (!textarea) return;
    const at = insertAt.current ?? { start: textarea.value.length, end: textarea.value.length };
    textarea.setRangeText(text, at.start, at.end, "end");
    textarea.focus();
    if (error) setError(null);
  }

  const ended = status === "ended";
  const running = status === "running";
  // An unknown status (still loading) may send: the server answers 409 if a turn is running.
  const hydrated = useHydrated();
  const canSend = hydrated && !ended && !running && !sending;

  // The textarea is uncontrolled and read at send time, so text typed before hydration is never lost.
  async function send(again?: LastSent) {
    const textarea = textareaRef.current;
    const text = again?.text ?? textarea?.value ?? "";
    if (!canSend || !text.trim()) return;
    setSending(true);
    setError(null);
    const replaces = again?.messageId ?? editing?.messageId;
    const result = await sessionsApi.send(sessionId, text, replaces);
    setSending(false);
    if (result.ok) {
      // Keep anything typed while the request was in flight.
      if (!again && textarea && textarea.value === text) textarea.value = "";
      if (editing) onCancelEdit();
      return;
    }
    setError(result.status === 409 && !replaces ? BUSY_MESSAGE : result.message);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (running) setError(BUSY_MESSAGE);
      else void send();
      return;
    }
    if (event.key === "Escape" && running) {
      event.preventDefault();
      onStop();
    }
  }

  return (
    <>
      <form
        onSubmit={onSubmit}
        className="shrink-0 border-line border-t bg-panel px-5 pt-3 pb-3"
        aria-label="Message composer"
      >
        {editing ? (
          <div data-testid="composer-editing" className="mb-2 flex items-center gap-2 text-muted text-sm">
            <span>Editing your last message: sending replaces it and its answer.</span>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                if (textareaRef.current) textareaRef.current.value = "";
                onCancelEdit();
              }}
            >
              Cancel
            </Button>
          </div>
        ) : null}
        <div className="rounded-lg border border-line bg-canvas transition-colors focus-within:border-accent focus-within:ring-2 focus-within:ring-accent/25 hover:border-line-strong">
          <label htmlFor="composer" className="sr-only">
            Message to the agent
          </label>
          <textarea
            id="composer"
            ref={textareaRef}
            data-testid="composer"
            defaultValue=""
            onChange={() => {
              if (error) setError(null);
            }}
            onKeyDown={onKeyDown}
            disabled={ended}
            rows={2}
            spellCheck={false}
            placeholder={
              ended
                ? "This session has ended."
                : running
                  ? "The agent is working… you can type your next message."
                  : "Tell the agent what to do"
            }
            className="field-sizing-content block max-h-60 min-h-[3.25rem] w-full resize-none bg-transparent px-3 pt-2.5 pb-1 font-mono text-base text-fg leading-5 placeholder:font-sans placeholder:text-faint focus:outline-none disabled:cursor-not-allowed"
          />
          <div className="flex h-9 items-center gap-3 pr-1.5 pl-3">
            <div className="min-w-0 flex-1 truncate text-faint text-xs">
              {error ? (
                <span data-testid="composer-error" role="alert" className="text-red-300 text-sm">
                  {error}
                </span>
              ) : ended ? (
                <span data-testid="composer-ended-note" className="text-sm">
                  This session has ended.{" "}
                  <button
                    type="button"
                    data-testid="composer-resume"
                    onClick={onResume}
                    className="text-accent-text underline-offset-2 hover:underline"
                  >
                    Resume it
                  </button>{" "}
                  to continue, or{" "}
                  <Link href="/sessions" className="text-accent-text underline-offset-2 hover:underline">
                    start a new session
                  </Link>
                  .
                </span>
              ) : (
                <span className="inline-flex items-center gap-3">
                  <span className="inline-flex items-center gap-1">
                    <Kbd>Enter</Kbd> send
                  </span>
                  <span className="inline-flex items-center gap-1">
                    <Kbd>Shift</Kbd>
                    <Kbd>Enter</Kbd> newline
                  </span>
                  <span className="inline-flex items-center gap-1">
                    <Kbd>/</Kbd> focus
                  </span>
                  {running ? (
                    <span className="inline-flex items-center gap-1">
                      <Kbd>Esc</Kbd> stop
                    </span>
                  ) : null}
                </span>
              )}
            </div>
            {retry && !running && !ended ? (
              <Button
                data-testid="retry-button"
                size="sm"
                disabled={!canSend}
                onClick={() => void send(retry)}
                title="Send your last message again; the failed answer leaves the conversation"
              >
                Retry
              </Button>
            ) : null}
            {prompts.length > 0 && !ended ? (
              <Button
                data-testid="mcp-prompts-button"
                size="sm"
                variant="ghost"
                onClick={openPrompts}
                title="Insert a prompt of an approved MCP server"
              >
                Prompts
              </Button>
            ) : null}
            <Button data-testid="send-button" type="submit" variant="primary" size="sm" disabled={!canSend}>
              {sending ? "Sending…" : "Send"}
            </Button>
          </div>
        </div>
      </form>
      <McpPromptsDialog
        sessionId={sessionId}
        prompts={prompts}
        open={promptsOpen}
        onClose={closePrompts}
        onInsert={insertPrompt}
      />
    </>
  );
}
