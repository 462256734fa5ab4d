"use client";

import type { Terminal } from "@xterm/xterm";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { SessionEvent, SessionStatus } from "@/lib/events/types";
import type { SessionDetail } from "@/lib/sessions/views";
import { sessionsApi } from "../api-client";
import { cn } from "../ui/cn";
import { AskPrompt } from "./ask-prompt";
import { Composer, type LastSent } from "./composer";
import { EmptySessionHowTo } from "./empty-session";
import { noticeFor, showNotice } from "./notify";
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

// fetched when a person first opens the Changes panel: the session page stays light without it
const ChangesPanel = dynamic(() => import("../changes/changes-panel").then((m) => m.ChangesPanel), {
  ssr: false,
  loading: () => <p className="px-4 py-6 text-faint text-sm">Loading the changes…</p>,
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
    worktreeOf: detail.worktreeOf,
    forkedFrom: detail.forkedFrom,
    branch: detail.branch,
    tierOverride: detail.tierOverride,
    tiers: detail.tiers,
  };
}

const CHANGES_KEY = "ratchet:changes-panel";
type ChangesLayout = "open" | "wide" | "closed";

/** Whether the wide layout applies (Tailwind's `lg`): the panel sits beside the transcript, else a tab. */
function useWideScreen(): boolean {
  const [wide, setWide] = useState(true);
  useEffect(() => {
    const query = window.matchMedia("(min-width: 1024px)");
    setWide(query.matches);
    const onChange = () => setWide(query.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  return wide;
}

/**
 * Open, wide or closed beside the transcript, remembered across sessions. Closed until a person
 * opens it: the transcript keeps its width (long command lines) until they want the diffs beside it.
 */
function useChangesLayout() {
  const [layout, setLayout] = useState<ChangesLayout>("closed");
  useEffect(() => {
    const saved = window.localStorage.getItem(CHANGES_KEY);
    if (saved === "wide" || saved === "open") setLayout(saved);
  }, []);
  const choose = useCallback((next: ChangesLayout) => {
    setLayout(next);
    window.localStorage.setItem(CHANGES_KEY, next);
  }, []);
  return [layout, choose] as const;
}

/** The text of the last message the person sent, from the session's conversation. */
function lastSent(detail: SessionDetail | null): LastSent | null {
  const last = detail?.messages.filter((m) => m.role === "user").at(-1);
  if (!last) return null;
  const text = last.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
  return text ? { messageId: last.id, text } : null;
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
  // the newest waterfall, read by the event handler: most events (every piece of a command's output)
  // leave it as it is, and those must not cost a state update, which a flood would make thousands of
  const waterfallRef = useRef(emptyWaterfall);
  /** Moves on every event that changes the workspace's record: the Changes panel reloads (coalesced). */
  const [changesEpoch, setChangesEpoch] = useState(0);
  /** The agent (or a revert) changed files in this session: the closed panel's rail says so. */
  const [filesChanged, setFilesChanged] = useState(false);
  const [layout, setLayout] = useChangesLayout();
  /** Below the `lg` breakpoint the transcript and the changes are two tabs. */
  const [tab, setTab] = useState<"transcript" | "changes">("transcript");
  const wideScreen = useWideScreen();
  const [editing, setEditing] = useState<LastSent | null>(null);
  const [lastTurnFailed, setLastTurnFailed] = useState(false);
  const [sentHere, setSentHere] = useState(false);
  const router = useRouter();
  /** Bumped when an ask opens or ends: the prompt reloads the pending asks. */
  const [askEpoch, setAskEpoch] = useState(0);

  const terminalBoxRef = useRef<HTMLDivElement>(null);
  /** When this page opened: events from before it are replayed history, not news to notify about. */
  const openedAtRef = useRef(Date.now());
  const titleRef = useRef("");
  titleRef.current = info?.title ?? "";
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
      showNotice(noticeFor(event, { title: titleRef.current, openedAt: openedAtRef.current }));
      const nextWaterfall = applyWaterfallEvent(waterfallRef.current, event);
      if (nextWaterfall !== waterfallRef.current) {
        waterfallRef.current = nextWaterfall;
        setWaterfall(nextWaterfall);
      }

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
          setLastTurnFailed(false);
          setInfo((prev) => (prev && prev.model !== event.model ? { ...prev, model: event.model } : prev));
          break;
        case "turn-end":
          setLastTurnFailed(event.status === "error");
          setStopping(false);
          scheduleRefresh();
          setAskEpoch((n) => n + 1);
          break;
        case "ask-opened":
        case "ask-answered":
          setAskEpoch((n) => n + 1);
          break;
        case "user-message":
          setSentHere(true);
          scheduleRefresh();
          break;
        case "reflection":
          scheduleRefresh();
          break;
        case "checkpoint":
          // a step's checkpoint is recorded only when files changed
          if (event.kind !== "turn-start") setFilesChanged(true);
          setChangesEpoch((n) => n + 1);
          break;
        case "turns-rewound":
        case "reverted":
          setChangesEpoch((n) => n + 1);
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

  const resume = useCallback(async () => {
    setActionError(null);
    const result = await sessionsApi.resume(sessionId);
    if (!result.ok) {
      setActionError(`Could not resume the session: ${result.message}`);
      return;
    }
    statusEpochRef.current++;
    setStatus(result.data.status);
    setStatusNote(result.data.statusNote);
  }, [sessionId]);

  const rename = useCallback(
    async (title: string) => {
      setActionError(null);
      const result = await sessionsApi.rename(sessionId, title);
      if (!result.ok) setActionError(`Could not rename the session: ${result.message}`);
      else setInfo(infoFrom(result.data));
    },
    [sessionId],
  );

  const setTierOverride = useCallback(
    async (tierOverride: SessionInfo["tierOverride"]) => {
      setActionError(null);
      const result = await sessionsApi.setTierOverride(sessionId, tierOverride);
      if (!result.ok) setActionError(`Could not change the model tier: ${result.message}`);
      else setInfo(infoFrom(result.data));
    },
    [sessionId],
  );

  const fork = useCallback(
    async (messageId: string) => {
      setActionError(null);
      const result = await sessionsApi.fork(sessionId, messageId);
      if (!result.ok) {
        setActionError(`Could not fork the session: ${result.message}`);
        return;
      }
      router.push(`/sessions/${encodeURIComponent(result.data.id)}`);
    },
    [sessionId, router],
  );

  const last = useMemo(() => lastSent(learning), [learning]);
  const edit = useCallback((message: LastSent) => {
    setEditing(message);
    const textarea = composerRef.current;
    if (textarea) {
      textarea.value = message.text;
      textarea.focus();
    }
  }, []);
  const empty = load.kind === "ready" && learning?.messages.length === 0 && !sentHere && status !== "running";

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
        onResume={() => void resume()}
        onRename={(title) => void rename(title)}
        onTierOverride={(tier) => void setTierOverride(tier)}
      />
      <SessionWaterfall waterfall={waterfall} onJump={jumpTo} />
      <div
        role="tablist"
        aria-label="Session view"
        className="flex shrink-0 border-line border-b bg-panel lg:hidden"
      >
        {(["transcript", "changes"] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            data-testid={`session-tab-${name}`}
            onClick={() => setTab(name)}
            className={cn(
              "h-8 flex-1 border-b-2 text-sm",
              tab === name ? "border-accent-text text-fg" : "border-transparent text-muted hover:text-fg",
            )}
          >
            {name === "transcript" ? "Transcript" : "Changes"}
          </button>
        ))}
      </div>
      <div className="flex min-h-0 flex-1">
        <section
          aria-label="Transcript"
          className={cn(
            "relative min-h-0 min-w-0 flex-1 bg-canvas lg:min-w-80",
            tab === "changes" && "hidden lg:block",
            layout === "wide" && "lg:hidden",
          )}
        >
          <div
            ref={terminalBoxRef}
            data-testid="terminal"
            data-last-seq="0"
            className="absolute inset-0 py-2 pr-1 pl-4"
          >
            <TerminalView onReady={onTerminalReady} onDispose={onTerminalDispose} />
          </div>
          {empty ? (
            <EmptySessionHowTo workspace={info?.workspace ?? null} branch={info?.branch ?? null} />
          ) : null}
        </section>
        <aside
          aria-label="Changes"
          className={cn(
            "min-h-0 min-w-0 flex-col bg-panel",
            tab === "changes" ? "flex flex-1" : "hidden",
            layout === "closed"
              ? "lg:hidden"
              : layout === "wide"
                ? "lg:flex lg:flex-1"
                : "lg:flex lg:w-[min(48rem,48%)] lg:min-w-80 lg:shrink lg:grow-0 lg:border-line lg:border-l",
          )}
        >
          {(wideScreen ? layout !== "closed" : tab === "changes") ? (
            <ChangesPanel
              sessionId={sessionId}
              status={status}
              epoch={changesEpoch}
              wide={layout === "wide"}
              onToggleWide={() => setLayout(layout === "wide" ? "open" : "wide")}
              onClose={() => setLayout("closed")}
            />
          ) : null}
        </aside>
        {layout === "closed" ? (
          <div className="hidden w-10 shrink-0 flex-col items-center border-line border-l bg-panel py-2 lg:flex">
            <button
              type="button"
              data-testid="changes-open"
              onClick={() => setLayout("open")}
              title={
                filesChanged ? "The agent changed files: show the changes" : "Show what the agent changed"
              }
              className="flex flex-col items-center gap-2 rounded-md px-1.5 py-2 text-faint hover:bg-hover hover:text-fg"
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                width="14"
                height="14"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.6"
              >
                <path d="M9.5 4 5.5 8l4 4" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              <span className="text-xs [writing-mode:vertical-rl]">Changes</span>
              {filesChanged ? (
                <span
                  aria-hidden="true"
                  data-testid="changes-dot"
                  className="size-1.5 rounded-full bg-accent-text"
                />
              ) : null}
            </button>
          </div>
        ) : null}
        <SessionLearningPanel
          sessionId={sessionId}
          detail={learning}
          status={status}
          lastSent={status === "running" || status === "ended" ? null : last}
          onFork={(messageId) => void fork(messageId)}
          onEdit={edit}
        />
      </div>
      <AskPrompt sessionId={sessionId} epoch={askEpoch} />
      <Composer
        sessionId={sessionId}
        status={status}
        textareaRef={composerRef}
        onStop={() => void stop()}
        editing={editing}
        onCancelEdit={() => setEditing(null)}
        retry={lastTurnFailed ? last : null}
        onResume={() => void resume()}
      />
    </div>
  );
}
