"use client";

import Link from "next/link";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import type { ModelRequestSection, ModelRequestSummary, ModelRequestView } from "@/lib/model/views";
import { modelRequestsApi } from "../api-client";
import { PageHeader } from "../page-header";
import { cn } from "../ui/cn";

const formatBytes = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);
const formatTokens = (n: number) => `~${n.toLocaleString("en-US")} tokens`;

function Section({
  title,
  tokens,
  count,
  children,
  testId,
  open,
}: {
  title: string;
  tokens: number;
  count?: number;
  children: ReactNode;
  testId: string;
  open?: boolean;
}) {
  return (
    <details open={open} data-testid={testId} className="rounded-lg border border-line bg-panel/50">
      <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-2 px-3 py-2 font-medium text-fg">
        {title}
        {count !== undefined ? <span className="text-faint text-sm">{count}</span> : null}
        <span className="ml-auto font-normal text-faint text-sm tabular-nums">{formatTokens(tokens)}</span>
      </summary>
      <div className="flex flex-col gap-2 border-line border-t p-3">{children}</div>
    </details>
  );
}

function Item({ section, testId }: { section: ModelRequestSection; testId: string }) {
  return (
    <details data-testid={testId} className="rounded-md border border-line">
      <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-2 px-2.5 py-1.5 text-sm">
        <span className="font-medium text-muted">{section.label}</span>
        <span className="min-w-0 flex-1 truncate text-faint">{section.text.slice(0, 120)}</span>
        <span className="text-faint tabular-nums">{formatTokens(section.tokens)}</span>
      </summary>
      <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-words border-line border-t px-2.5 py-2 font-mono text-[12px] text-fg">
        {section.text}
      </pre>
    </details>
  );
}

function RequestDetail({ view }: { view: ModelRequestView }) {
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="model-request">
      <p className="text-muted text-sm">
        {view.model} · {formatBytes(view.bytes)} sent ·{" "}
        {formatTokens(view.tokens.system + view.tokens.tools + view.tokens.messages)} in all
      </p>
      <Section title="System prompt" tokens={view.tokens.system} testId="request-system" open>
        {view.system.map((s, i) => (
          <pre
            // biome-ignore lint/suspicious/noArrayIndexKey: the sections of one stored request never move
            key={i}
            className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-words font-mono text-[12px] text-fg"
          >
            {s.text}
          </pre>
        ))}
      </Section>
      <Section
        title="Tools offered"
        count={view.tools.length}
        tokens={view.tokens.tools}
        testId="request-tools"
      >
        {view.tools.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <Item key={i} section={t} testId="request-tool" />
        ))}
      </Section>
      <Section
        title="History"
        count={view.messages.length}
        tokens={view.tokens.messages}
        testId="request-history"
      >
        {view.messages.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <Item key={i} section={m} testId="request-message" />
        ))}
      </Section>
      <Section title="Parameters" tokens={0} testId="request-params">
        <pre className="overflow-auto whitespace-pre-wrap break-words font-mono text-[12px] text-fg">
          {JSON.stringify(view.params, null, 2)}
        </pre>
      </Section>
    </div>
  );
}

/** Each model request of a session's turns, as it was sent: pick a step, read its parts. */
export function ModelRequests({ sessionId }: { sessionId: string }) {
  const [list, setList] = useState<ModelRequestSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [view, setView] = useState<ModelRequestView | null>(null);

  useEffect(() => {
    void modelRequestsApi.list(sessionId).then((result) => {
      if (!result.ok) return setError(result.message);
      setList(result.data.requests);
      setSelected(result.data.requests.at(-1)?.id ?? null);
    });
  }, [sessionId]);

  useEffect(() => {
    if (!selected) return;
    setView(null);
    void modelRequestsApi.get(sessionId, selected).then((result) => {
      if (!result.ok) return setError(result.message);
      setView(result.data);
    });
  }, [sessionId, selected]);

  // turns are numbered in the order their first request was sent
  const turnNumber = useMemo(() => {
    const numbers = new Map<string | null, number>();
    for (const r of list ?? []) if (!numbers.has(r.turnId)) numbers.set(r.turnId, numbers.size + 1);
    return numbers;
  }, [list]);

  return (
    <div className="flex flex-col">
      <PageHeader
        title="What the model saw"
        description="Each step's request as it was sent to the model, secrets masked: the system prompt with working memory, telemetry summary and friction nudges, the tools offered, and the history as elided."
        actions={
          <Link
            href={`/sessions/${encodeURIComponent(sessionId)}`}
            className="inline-flex h-8 items-center rounded-md border border-line px-3 font-medium text-muted text-sm hover:bg-hover hover:text-fg"
          >
            Back to the session
          </Link>
        }
      />
      <div className="flex flex-col gap-4 px-4 py-5 md:flex-row md:px-8">
        {error ? (
          <p role="alert" className="text-red-300 text-sm">
            {error}
          </p>
        ) : null}
        {list && list.length === 0 ? (
          <p className="text-muted">
            No model requests are stored for this session yet (they are kept 14 days).
          </p>
        ) : null}
        {list && list.length > 0 ? (
          <>
            <nav aria-label="Steps" className="md:w-56 md:shrink-0">
              <ol className="flex gap-1 overflow-x-auto md:flex-col" data-testid="request-steps">
                {list.map((r) => (
                  <li key={r.id} className="shrink-0">
                    <button
                      type="button"
                      aria-current={r.id === selected ? "true" : undefined}
                      onClick={() => setSelected(r.id)}
                      className={cn(
                        "flex w-full items-baseline justify-between gap-3 rounded-md px-2.5 py-1.5 text-left text-sm",
                        r.id === selected ? "bg-hover text-fg" : "text-muted hover:bg-hover/60",
                      )}
                    >
                      <span>
                        Turn {turnNumber.get(r.turnId)} · step {r.step}
                      </span>
                      <span className="text-faint tabular-nums">{formatBytes(r.bytes)}</span>
                    </button>
                  </li>
                ))}
              </ol>
            </nav>
            <div className="min-w-0 flex-1">{view ? <RequestDetail view={view} /> : null}</div>
          </>
        ) : null}
      </div>
    </div>
  );
}
