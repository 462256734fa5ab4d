"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { AskView } from "@/lib/permissions/views";
import { asksApi } from "../api-client";
import { Button } from "../ui/button";
import { useNow } from "../use-now";

/** The exact call waiting: a command in full, any other tool's arguments as JSON. */
function callText(ask: AskView): string {
  const input = ask.input;
  if (input && typeof input === "object" && "command" in input) {
    const { command } = input as { command: unknown };
    if (typeof command === "string") return command;
  }
  return JSON.stringify(input, null, 2) ?? "";
}

function timeLeft(expiresAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((Date.parse(expiresAt) - now) / 1000));
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

/** Says so in the background, where the user allowed notifications; the prompt itself is the answer. */
function notify(ask: AskView): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible") return;
  const body = callText(ask).split("\n")[0]?.slice(0, 200) ?? ask.tool;
  new Notification(`Ratchet: permission needed (${ask.rule})`, { body, tag: ask.id });
}

/**
 * The session's pending permission asks, with the three answers: allow once, allow for this
 * session, deny with a reason the model reads. Reloaded whenever an ask opens or ends (`epoch`).
 */
export function AskPrompt({ sessionId, epoch }: { sessionId: string; epoch: number }) {
  const [asks, setAsks] = useState<AskView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const seen = useRef<Set<string> | null>(null);
  const now = useNow(1000);

  const load = useCallback(async () => {
    const result = await asksApi.list(sessionId);
    if (!result.ok) return;
    // a notification for an ask that opened while the page was open, never for what was there
    if (seen.current) for (const ask of result.data.asks) if (!seen.current.has(ask.id)) notify(ask);
    seen.current = new Set(result.data.asks.map((a) => a.id));
    setAsks(result.data.asks);
  }, [sessionId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: epoch is the signal to reload
  useEffect(() => {
    void load();
  }, [load, epoch]);

  if (asks.length === 0) return null;
  return (
    <section aria-label="Permission asks" className="shrink-0 border-line border-t bg-panel px-5 pt-3">
      {error ? (
        <p role="alert" className="mb-2 text-red-300 text-sm">
          {error}
        </p>
      ) : null}
      {asks.map((ask) => (
        <AskCard
          key={ask.id}
          ask={ask}
          left={timeLeft(ask.expiresAt, now)}
          onAnswered={(message) => {
            setError(message);
            void load();
          }}
          sessionId={sessionId}
        />
      ))}
    </section>
  );
}

function AskCard({
  ask,
  left,
  sessionId,
  onAnswered,
}: {
  ask: AskView;
  left: string;
  sessionId: string;
  onAnswered: (error: string | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState("");

  async function answer(decision: "allow" | "allow_session" | "deny") {
    setBusy(true);
    const result = await asksApi.answer(sessionId, ask.id, {
      decision,
      ...(decision === "deny" && reason.trim() ? { reason: reason.trim() } : {}),
    });
    setBusy(false);
    onAnswered(result.ok ? null : result.message);
  }

  return (
    <div
      role="alertdialog"
      aria-label={`Permission needed: ${ask.tool}`}
      data-testid="ask"
      className="mb-3 rounded-lg border border-amber-400/40 bg-amber-400/5 p-3"
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
        <span className="font-semibold text-amber-200">Permission needed</span>
        <span className="text-muted">
          <code className="font-mono">{ask.tool}</code> · rule <code className="font-mono">{ask.rule}</code>
        </span>
        <span className="ml-auto text-faint" title={ask.expiresAt}>
          denied automatically in {left}
        </span>
      </div>
      <pre
        data-testid="ask-call"
        className="mt-2 max-h-48 overflow-auto whitespace-pre-wrap break-all rounded border border-line bg-canvas p-2 font-mono text-fg text-sm"
      >
        {callText(ask)}
      </pre>
      {denying ? (
        <form
          className="mt-2 flex flex-col gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            void answer("deny");
          }}
        >
          <label className="text-muted text-sm" htmlFor={`deny-${ask.id}`}>
            Reason (the agent reads it)
          </label>
          <textarea
            id={`deny-${ask.id}`}
            value={reason}
            maxLength={2000}
            rows={2}
            onChange={(event) => setReason(event.target.value)}
            className="rounded border border-line bg-canvas p-2 text-fg text-sm"
          />
          <div className="flex gap-2">
            <Button type="submit" variant="danger" size="sm" disabled={busy}>
              Deny
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setDenying(false)} disabled={busy}>
              Back
            </Button>
          </div>
        </form>
      ) : (
        <div className="mt-2 flex flex-wrap gap-2">
          <Button variant="primary" size="sm" disabled={busy} onClick={() => void answer("allow")}>
            Allow once
          </Button>
          <Button size="sm" disabled={busy} onClick={() => void answer("allow_session")}>
            Allow for this session
          </Button>
          <Button variant="danger" size="sm" disabled={busy} onClick={() => setDenying(true)}>
            Deny…
          </Button>
        </div>
      )}
    </div>
  );
}
