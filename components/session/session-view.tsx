"use client";

import type { Terminal } from "@xterm/xterm";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { SessionEvent, SessionStatus } from "@/lib/events/types";
import type { SessionDetail } from "@/lib/sessions/views";
import { sessionsApi } from "../api-client";
import { AskPrompt } from "./ask-prompt";
import { Composer } from "./composer";
import { SessionHeader, type SessionInfo } from "./session-header";
import { SessionLearningPanel } from "./session-learning-panel";
import { SessionWaterfall } from "./session-waterfall";
import { TerminalWriter } from "./terminal-writer";
import { Transcript } from "./transcript";
import { type StreamState, useSessionEvents } from "./use-session-events";
import { applyWaterfallEvent, emptyWaterfall } from "./waterfall-model";

const TerminalView = dynamic(() => import("./terminal-view"), {
  ssr: false,
  loading: () => <p className="px-1 py-0.5 font-mono text-faint text-sm">Loading terminal…</p>,
});

type LoadState =
  | { kind: "loading" }
  | { kind: "ready" }
  | { kind: "not-found" }
  | { kind: "error"; message: string };

function infoFrom(detail: SessionDetail): SessionInfo {
  return {
    title: detail.title,
    workspace: detail.workspace,
    model: detail.model,
    inputTokens: detail.inputTokens,
    outputTokens: detail.outputTokens,
    costUsd: detail.costUsd,
    budgetUsd: detail.budgetUsd,
  };
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.classList.contains("xterm-helper-textarea")) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The live session screen. The terminal shows only what the event stream replays
 * and tails, so a reload shows exactly what a live viewer saw; the header comes
 * from GET /api/sessions/:id and is kept current by status/usage events.
 */
export function SessionView({ sessionId }: { sessionId: string }) {
  const [load, setLoad] = useState<LoadState>({ kind: "loading" });
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [status, setStatus] = useState<SessionStatus | null>(null);
  const [statusNote, setStatusNote] = useState<string | null>(null);
  const [stream, setStream] = useState<StreamState>("connecting");
  const [stopping, setStopping] = useState(false);
  const [ending, setEnding] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [learning, setLearning] = useState<SessionDetail | null>(null);
  const [waterfall, setWaterfall] = useState(emptyWaterfall);
  /** Bumped when an ask opens or ends: the prompt reloads the pending asks. */
  const [askEpoch, setAskEpoch] = useState(0);

  const terminalBoxRef = useRef<HTMLDivElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  /** Bumped on every status event, so a slower GET never overwrites a newer live status. */
  const statusEpochRef = useRef(0);
  const refreshTimerRef = useRef<number | null>(null);

  const [writer] = useState(
    () =>
      new TerminalWriter((seq) => {
        // Lets tests (and curious people) see how far the transcript has been written.
        if (terminalBoxRef.current) terminalBoxRef.current.dataset.lastSeq = String(seq);
      }),
  );
  const [transcript] = useState(() => new Transcript(writer));

  const refreshDetails = useCallback(async () => {
    const epoch = statusEpochRef.current;
    const result = await sessionsApi.detail(sessionId);
    if (!result.ok) {
      if (result.status === 404) setLoad({ kind: "not-found" });
      else setLoad((prev) => (prev.kind === "ready" ? prev : { kind: "error", message: result.message }));
      return;
    }
    setInfo(infoFrom(result.data));
    setLearning(result.data);
    if (statusEpochRef.current === epoch) {
      setStatus(result.data.status);
      setStatusNote(result.data.statusNote);
    }
    setLoad({ kind: "ready" });
  }, [sessionId]);

  const scheduleRefresh = useCallback(() => {
    if (refreshTimerRef.current !== null) window.clearTimeout(refreshTimerRef.current);
    refreshTimerRef.current = window.setTimeout(() => {
      refreshTimerRef.current = null;
      void refreshDetails();
    }, 300);
  }, [refreshDetails]);

  useEffect(() => {
    void refreshDetails();
    return () => {
      if (refreshTimerRef.current !== null) window.clearTimeout(refreshTimerRef.current);
    };
  }, [refreshDetails]);

  const handleEvent = useCallback(
    (event: SessionEvent) => {
      transcript.add(event);
      setWaterfall((prev) => applyWaterfallEvent(prev, event));

      switch (event.type) {
        case "status":
          statusEpochRef.current++;
          setStatus(event.status);
          setStatusNote(event.note ?? null);
          if (event.status !== "running") setStopping(false);
          if (event.status === "ended") setEnding(false);
          break;
        case "usage":
          setInfo((prev) =>
            prev
              ? {
                  ...prev,
                  inputTokens: event.inputTokens,
                  outputTokens: event.outputTokens,
                  costUsd: event.costUsd,
                  budgetUsd: event.budgetUsd,
                }
              : prev,
          );
          break;
        case "turn-start":
          setInfo((prev) => (prev && prev.model !== event.model ? { ...prev, model: event.model } : prev));
          break;
        case "turn-end":
          setStopping(false);
          scheduleRefresh();
          setAskEpoch((n) => n + 1);
          break;
        case "ask-opened":
        case "ask-answered":
          setAskEpoch((n) => n + 1);
          break;
        case "user-message":
        case "reflection":
          scheduleRefresh();
          break;
        default:
          break;
      }
    },
    [transcript, scheduleRefresh],
  );

  useSessionEvents(sessionId, handleEvent, setStream, load.kind !== "not-found");

  const onTerminalReady = useCallback((term: Terminal) => transcript.attach(term), [transcript]);
  const onTerminalDispose = useCallback((term: Terminal) => transcript.detach(term), [transcript]);
  const jumpTo = useCallback((seq: number) => writer.reveal(seq), [writer]);

  const stop = useCallback(async () => {
    setStopping(true);
    setActionError(null);
    const result = await sessionsApi.cancel(sessionId);
    if (!result.ok) {
      setStopping(false);
      setActionError(`Could not stop: ${result.message}`);
    }
  }, [sessionId]);

  const end = useCallback(async () => {
    setEnding(true);
    setActionError(null);
    const result = await sessionsApi.end(sessionId);
    if (!result.ok) {
      setEnding(false);
      setActionError(`Could not end the session: ${result.message}`);
      return;
    }
    scheduleRefresh();
  }, [sessionId, scheduleRefresh]);

  // "/" focuses the composer; Esc stops a running turn unless focus is in another field.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "/" && !isEditable(event.target)) {
        event.preventDefault();
        composerRef.current?.focus();
      } else if (event.key === "Escape" && status === "running" && !isEditable(event.target)) {
        event.preventDefault();
        void stop();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [status, stop]);

  useEffect(() => {
    if (info?.title) document.title = `${info.title} · Ratchet`;
  }, [info?.title]);

  if (load.kind === "not-found") {
    return (
      <div className="flex flex-1 flex-col items-start gap-2 px-8 py-10">
        <h1 className="font-semibold text-fg text-lg">Session not found</h1>
        <p className="text-muted">
          There is no session <code className="font-mono text-fg">{sessionId}</code>.
        </p>
        <Link href="/sessions" className="text-accent-text underline-offset-2 hover:underline">
          Back to sessions
        </Link>
      </div>
    );
  }

  return (
    <div className="flex h-full min-h-0 flex-1 flex-col">
      <SessionHeader
        info={info}
        status={status}
        statusNote={statusNote}
        stream={stream}
        stopping={stopping}
        ending={ending}
        actionError={load.kind === "error" ? `Could not load the session: ${load.message}` : actionError}
        onStop={() => void stop()}
        onEnd={() => void end()}
      />
      <SessionWaterfall waterfall={waterfall} onJump={jumpTo} />
      <div className="flex min-h-0 flex-1">
        <section aria-label="Transcript" className="relative min-h-0 min-w-0 flex-1 bg-canvas">
          <div
            ref={terminalBoxRef}
            data-testid="terminal"
            data-last-seq="0"
            className="absolute inset-0 py-2 pr-1 pl-4"
          >
            <TerminalView onReady={onTerminalReady} onDispose={onTerminalDispose} />
          </div>
        </section>
        <SessionLearningPanel sessionId={sessionId} detail={learning} status={status} />
      </div>
      <AskPrompt sessionId={sessionId} epoch={askEpoch} />
      <Composer sessionId={sessionId} status={status} textareaRef={composerRef} onStop={() => void stop()} />
    </div>
  );
}
