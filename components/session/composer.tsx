"use client";

import Link from "next/link";
import { type FormEvent, type KeyboardEvent, type RefObject, useState } from "react";
import type { SessionStatus } from "@/lib/events/types";
import { sessionsApi } from "../api-client";
import { Button } from "../ui/button";
import { Kbd } from "../ui/kbd";
import { useHydrated } from "../use-hydrated";

const BUSY_MESSAGE = "A turn is already running — stop it or wait.";

export function Composer({
  sessionId,
  status,
  textareaRef,
  onStop,
}: {
  sessionId: string;
  status: SessionStatus | null;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  onStop: () => void;
}) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const ended = status === "ended";
  const running = status === "running";
  // An unknown status (still loading) may send: the server answers 409 if a turn is running.
  const hydrated = useHydrated();
  const canSend = hydrated && !ended && !running && !sending;

  // The textarea is uncontrolled and read at send time, so text typed before hydration is never lost.
  async function send() {
    const textarea = textareaRef.current;
    const text = textarea?.value ?? "";
    if (!canSend || !text.trim()) return;
    setSending(true);
    setError(null);
    const result = await sessionsApi.send(sessionId, text);
    setSending(false);
    if (result.ok) {
      // Keep anything typed while the request was in flight.
      if (textarea && textarea.value === text) textarea.value = "";
      return;
    }
    setError(result.status === 409 ? BUSY_MESSAGE : result.message);
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
    <form
      onSubmit={onSubmit}
      className="shrink-0 border-line border-t bg-panel px-5 pt-3 pb-3"
      aria-label="Message composer"
    >
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
                This session has ended and takes no more messages.{" "}
                <Link href="/sessions" className="text-accent-text underline-offset-2 hover:underline">
                  Start a new session
                </Link>
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
          <Button data-testid="send-button" type="submit" variant="primary" size="sm" disabled={!canSend}>
            {sending ? "Sending…" : "Send"}
          </Button>
        </div>
      </div>
    </form>
  );
}
