"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { SessionStatus } from "@/lib/events/types";
import type { LearningEvent } from "@/lib/learning/views";
import type { SessionDetail, SessionMessage, SessionReflection } from "@/lib/sessions/views";
import { learningApi } from "../api-client";
import { StatusPill } from "../learning/badges";
import { LearningDialog, type LearningDraft } from "../learning/learning-dialog";
import { ReflectionAnswers, triggerLabel } from "../learning/reflection-parts";
import { MarkdownPreview } from "../skills/markdown-preview";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";

function textOf(message: SessionMessage): string {
  return message.parts
    .flatMap((p) => (p.type === "text" && p.text ? [p.text] : []))
    .join("\n")
    .trim();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function ReflectionBlock({
  sessionId,
  reflection,
  status,
}: {
  sessionId: string;
  reflection: SessionReflection | null;
  status: SessionStatus | null;
}) {
  const [queued, setQueued] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (!reflection)
    return (
      <p className="text-faint text-sm" data-testid="session-reflection-none">
        {status === "ended"
          ? "Reflection queued…"
          : "Written when the session ends (End session, or after 30 idle minutes): what went well, what was slow, what to do next time."}
      </p>
    );

  const retrying = queued === reflection.updatedAt;
  return (
    <div data-testid="session-reflection" data-status={reflection.status} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <StatusPill status={reflection.status} data-testid="session-reflection-status" />
        <span className="text-faint text-xs">{triggerLabel(reflection.trigger)}</span>
      </div>
      {reflection.status === "pending" ? (
        <p className="text-muted text-sm">Reflecting on this session…</p>
      ) : reflection.status === "error" ? (
        <div className="flex flex-col gap-2">
          <p className="text-red-300 text-sm">
            The reflection failed{reflection.error ? `: ${reflection.error}` : "."}
          </p>
          <Button
            size="sm"
            variant="secondary"
            className="self-start"
            data-testid="session-reflect-again"
            disabled={retrying}
            onClick={async () => {
              setError(null);
              const result = await learningApi.reflect(sessionId);
              if (result.ok) setQueued(reflection.updatedAt);
              else setError(result.message);
            }}
          >
            {retrying ? "Queued…" : "Reflect again"}
          </Button>
          {error ? (
            <p role="alert" className="text-red-300 text-xs">
              {error}
            </p>
          ) : null}
        </div>
      ) : (
        <>
          {reflection.summary ? (
            <p className="text-fg text-sm" data-testid="session-reflection-summary">
              {reflection.summary}
            </p>
          ) : null}
          {reflection.status === "success" || reflection.status === "empty" ? (
            <div className="text-sm">
              <ReflectionAnswers reflection={reflection} stacked />
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

function MessageItem({
  message,
  marked,
  onMark,
  onFork,
  onEdit,
}: {
  message: SessionMessage & { text: string };
  marked: LearningEvent | undefined;
  onMark(): void;
  onFork(): void;
  /** Only on the last message the person sent, while no turn runs. */
  onEdit: (() => void) | null;
}) {
  return (
    <li
      data-testid="session-message"
      data-role={message.role}
      className="group flex flex-col gap-1 px-4 py-2.5"
    >
      <div className="flex items-center gap-2">
        <span
          className={cn(
            "font-medium text-xs uppercase tracking-wide",
            message.role === "user" ? "text-accent-text" : "text-faint",
          )}
        >
          {message.role === "user" ? "You" : "Agent"}
        </span>
        <span className="ml-auto flex items-center gap-1">
          {onEdit ? (
            <button
              type="button"
              data-testid="edit-message"
              onClick={onEdit}
              className="rounded px-1.5 py-0.5 text-faint text-xs opacity-70 transition hover:bg-hover hover:text-fg focus-visible:opacity-100 group-hover:opacity-100"
            >
              Edit and resend
            </button>
          ) : null}
          <button
            type="button"
            data-testid="fork-message"
            onClick={onFork}
            title="A new session whose history is the messages up to this one"
            className="rounded px-1.5 py-0.5 text-faint text-xs opacity-70 transition hover:bg-hover hover:text-fg focus-visible:opacity-100 group-hover:opacity-100"
          >
            Fork from here
          </button>
          {marked ? (
            <Link
              href={`/learnings#learning-${encodeURIComponent(marked.id)}`}
              data-testid="marked-learning"
              className="text-emerald-300 text-xs hover:underline"
            >
              ✓ Marked as {marked.type}
            </Link>
          ) : (
            <button
              type="button"
              data-testid="mark-as-learning"
              onClick={onMark}
              className="rounded px-1.5 py-0.5 text-faint text-xs opacity-70 transition hover:bg-hover hover:text-fg focus-visible:opacity-100 group-hover:opacity-100"
            >
              Mark as learning
            </button>
          )}
        </span>
      </div>
      {message.role === "assistant" ? (
        // the model's answer is Markdown; rendered from tokens, so raw HTML in it stays text
        <MarkdownPreview
          markdown={message.text}
          className="max-h-48 overflow-hidden text-sm [&_h1]:text-base [&_h2]:text-sm [&_h3]:text-sm"
        />
      ) : (
        <p className="line-clamp-4 whitespace-pre-wrap break-words text-muted text-sm">{message.text}</p>
      )}
    </li>
  );
}

/**
 * Beside the transcript: the session's reflection (updated live by the `reflection` event) and its
 * messages, each of which a person can mark as a learning.
 */
export function SessionLearningPanel({
  sessionId,
  detail,
  status,
  lastSent,
  onFork,
  onEdit,
}: {
  sessionId: string;
  detail: SessionDetail | null;
  status: SessionStatus | null;
  /** The last message the person sent, editable (null while a turn runs or the session has ended). */
  lastSent: { messageId: string; text: string } | null;
  onFork(messageId: string): void;
  onEdit(message: { messageId: string; text: string }): void;
}) {
  const [choice, setChoice] = useState<boolean | null>(null);
  const [marking, setMarking] = useState<{
    message: SessionMessage & { text: string };
    initial: Partial<LearningDraft>;
  } | null>(null);
  const [marked, setMarked] = useState<Map<string, LearningEvent>>(() => new Map());
  const reflection = detail?.reflection ?? null;
  const open = choice ?? reflection !== null;

  const messages = useMemo(
    () =>
      (detail?.messages ?? [])
        .map((m) => ({ ...m, text: textOf(m) }))
        .filter((m) => m.text.length > 0 && (m.role === "user" || m.role === "assistant")),
    [detail?.messages],
  );

  function mark(message: SessionMessage & { text: string }) {
    const index = messages.findIndex((m) => m.id === message.id);
    const before = messages
      .slice(0, index)
      .reverse()
      .find((m) => m.role !== message.role);
    const context = [
      `${message.role === "user" ? "user said" : "agent said"}: ${clip(message.text, 1500)}`,
      before
        ? `${before.role === "user" ? "after the user said" : "after the agent said"}: ${clip(before.text, 1000)}`
        : null,
    ]
      .filter(Boolean)
      .join("\n");
    setMarking({
      message,
      initial: {
        type: message.role === "user" ? "correction" : "pattern",
        description: clip(message.text, 2000),
        context: clip(context, 4000),
        sessionId,
      },
    });
  }

  if (!open)
    return (
      <aside
        aria-label="Reflection and messages"
        className="hidden w-10 shrink-0 flex-col items-center border-line border-l bg-panel py-2 lg:flex"
      >
        <button
          type="button"
          aria-expanded={false}
          data-testid="session-panel-toggle"
          onClick={() => setChoice(true)}
          title="Show the reflection and messages"
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
          <span className="text-xs [writing-mode:vertical-rl]">Reflection · messages</span>
          {reflection ? <span aria-hidden="true" className="size-1.5 rounded-full bg-accent-text" /> : null}
        </button>
      </aside>
    );

  return (
    <aside
      aria-label="Reflection and messages"
      data-testid="session-panel"
      className="hidden w-80 shrink-0 flex-col border-line border-l bg-panel lg:flex xl:w-96"
    >
      <div className="flex h-10 shrink-0 items-center gap-2 border-line border-b px-4">
        <h2 className="font-medium text-fg text-sm">Reflection</h2>
        <button
          type="button"
          aria-expanded
          data-testid="session-panel-toggle"
          onClick={() => setChoice(false)}
          title="Hide"
          aria-label="Hide the reflection and messages"
          className="ml-auto inline-flex size-6 items-center justify-center rounded text-faint hover:bg-hover hover:text-fg"
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
            <path d="M6.5 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      </div>
      <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">
        {detail?.kind === "maintenance" ? (
          <p className="border-line border-b bg-accent/[0.06] px-4 py-2.5 text-muted text-sm">
            A battery change. What it writes appears on{" "}
            <Link href="/opportunities" className="text-accent-text hover:underline">
              Opportunities
            </Link>
            .
          </p>
        ) : null}
        <section className="border-line border-b px-4 py-3">
          <ReflectionBlock sessionId={sessionId} reflection={reflection} status={status} />
        </section>
        <section aria-labelledby="session-messages-heading" className="flex flex-col">
          <h2 id="session-messages-heading" className="px-4 pt-3 pb-1 font-medium text-fg text-sm">
            Messages
            <span className="ml-2 font-normal text-faint text-xs">mark one as a learning</span>
          </h2>
          {messages.length === 0 ? (
            <p className="px-4 pb-4 text-faint text-sm">No messages yet.</p>
          ) : (
            <ol className="flex flex-col divide-y divide-line">
              {messages.map((m) => (
                <MessageItem
                  key={m.id}
                  message={m}
                  marked={marked.get(m.id)}
                  onMark={() => mark(m)}
                  onFork={() => onFork(m.id)}
                  onEdit={lastSent?.messageId === m.id ? () => onEdit(lastSent) : null}
                />
              ))}
            </ol>
          )}
        </section>
      </div>
      <LearningDialog
        open={marking !== null}
        editing={null}
        initial={marking?.initial}
        title="Mark as learning"
        onClose={() => setMarking(null)}
        onSaved={(event) => {
          const id = marking?.message.id;
          setMarking(null);
          if (id) setMarked((prev) => new Map(prev).set(id, event));
        }}
      />
    </aside>
  );
}
