"use client";

import { type ReactNode, useEffect, useMemo, useState } from "react";
import { formatCost, formatDuration, formatTokens } from "../format";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";
import {
  niceTicks,
  turnTotals,
  type Waterfall,
  type WaterfallStep,
  type WaterfallTool,
  type WaterfallTurn,
} from "./waterfall-model";

const OPEN_KEY = "ratchet:session-timeline";

const GRID = "grid grid-cols-[minmax(10rem,18rem)_minmax(0,1fr)_4.5rem] items-center gap-3";

interface Span {
  start: number;
  end: number;
}

function Bar({ span, scale, className }: { span: Span; scale: Span; className: string }) {
  const total = Math.max(1, scale.end - scale.start);
  const left = Math.min(100, Math.max(0, ((span.start - scale.start) / total) * 100));
  const width = Math.min(100 - left, Math.max(0, ((span.end - span.start) / total) * 100));
  return (
    <span className="relative block h-3.5">
      <span
        data-testid="waterfall-bar"
        className={cn("absolute inset-y-0 min-w-[2px] rounded-sm", className)}
        style={{ left: `${left}%`, width: `${width}%` }}
      />
    </span>
  );
}

function toolTone(tool: WaterfallTool, running: boolean): string {
  if (tool.end === null) return running ? "animate-status-pulse bg-accent-text/80" : "bg-line-strong";
  if (tool.ok === null) return "bg-line-strong";
  return tool.ok ? "bg-emerald-400/70" : "bg-red-400/80";
}

function toolResult(tool: WaterfallTool): string {
  if (tool.end === null) return "running";
  if (tool.ok === null) return "no result";
  if (tool.exitCode !== null) return `exit ${tool.exitCode}`;
  return tool.ok ? "ok" : "failed";
}

interface RowProps {
  seq: number;
  selected: boolean;
  onJump: (seq: number) => void;
  label: ReactNode;
  title: string;
  bar: ReactNode;
  duration: string;
  testId: string;
  data?: Record<string, string>;
}

function Row({ seq, selected, onJump, label, title, bar, duration, testId, data }: RowProps) {
  return (
    <li>
      <button
        type="button"
        data-testid={testId}
        data-seq={seq}
        {...data}
        title={`${title}\nClick to show it in the transcript.`}
        onClick={() => onJump(seq)}
        className={cn(
          GRID,
          "w-full rounded px-2 py-0.5 text-left text-xs hover:bg-hover focus-visible:bg-hover",
          selected && "bg-accent/10",
        )}
      >
        <span className="min-w-0 truncate">{label}</span>
        {bar}
        <span className="text-right font-mono text-muted tabular-nums">{duration}</span>
      </button>
    </li>
  );
}

function StepRows({
  step,
  scale,
  now,
  running,
  selectedSeq,
  onJump,
}: {
  step: WaterfallStep;
  scale: Span;
  now: number;
  running: boolean;
  selectedSeq: number | null;
  onJump: (seq: number) => void;
}) {
  const end = step.end ?? now;
  const tokens =
    step.end === null
      ? ""
      : ` · ${formatTokens(step.inputTokens)} in · ${formatTokens(step.outputTokens)} out`;
  return (
    <>
      <Row
        seq={step.seq}
        selected={selectedSeq === step.seq}
        onJump={onJump}
        testId="waterfall-step"
        label={
          <span className="text-muted">
            step {step.index}
            {step.tier ? (
              <span
                data-testid="waterfall-step-tier"
                className={cn(
                  "ml-1 rounded px-1 text-xs",
                  step.tier === "strong" ? "bg-amber-400/15 text-amber-300" : "bg-accent/10",
                )}
              >
                {step.tier}
              </span>
            ) : null}
            <span className="text-faint">
              {step.cut ? " · cut short" : ""}
              {tokens}
            </span>
          </span>
        }
        title={`Step ${step.index}: the model's turn plus the tools it called${
          !step.costKnown
            ? " (cost unknown: no price for its model)"
            : step.costUsd > 0
              ? ` (${formatCost(step.costUsd)})`
              : ""
        }${step.tier ? `, on the ${step.tier} model` : ""}${step.tierChange ? `; ${step.tierChange}` : ""}`}
        bar={
          <Bar
            span={{ start: step.start, end }}
            scale={scale}
            className={cn("bg-accent-text/25", step.end === null && running && "animate-status-pulse")}
          />
        }
        duration={formatDuration(end - step.start)}
      />
      {step.tools.map((tool) => {
        const toolEnd = tool.end ?? now;
        return (
          <Row
            key={tool.callId}
            seq={tool.seq}
            selected={selectedSeq === tool.seq}
            onJump={onJump}
            testId="waterfall-tool"
            data={{
              "data-tool": tool.tool,
              "data-ok": tool.ok === null ? "" : String(tool.ok),
            }}
            label={
              <span className="flex min-w-0 items-center gap-1.5 pl-3">
                <span
                  aria-hidden="true"
                  className={cn("size-1.5 shrink-0 rounded-full", toolTone(tool, running))}
                />
                <span className="shrink-0 font-mono text-fg">{tool.tool}</span>
                <span className="truncate font-mono text-faint">{tool.summary}</span>
              </span>
            }
            title={`${tool.tool} ${tool.summary}\n${toolResult(tool)}`}
            bar={
              <Bar
                span={{ start: tool.start, end: toolEnd }}
                scale={scale}
                className={toolTone(tool, running)}
              />
            }
            duration={
              tool.durationMs !== null
                ? formatDuration(tool.durationMs)
                : formatDuration(toolEnd - tool.start)
            }
          />
        );
      })}
    </>
  );
}

const STATUS_TONE: Record<string, string> = {
  completed: "text-faint",
  cancelled: "text-amber-300/90",
  interrupted: "text-amber-300/90",
  error: "text-red-300",
};

function TurnBlock({
  turn,
  now,
  expanded,
  onToggle,
  selectedSeq,
  onJump,
}: {
  turn: WaterfallTurn;
  now: number;
  expanded: boolean;
  onToggle: () => void;
  selectedSeq: number | null;
  onJump: (seq: number) => void;
}) {
  const running = turn.end === null;
  const scale = { start: turn.start, end: Math.max(turn.start + 1, turn.end ?? now) };
  const totals = turnTotals(turn, now);
  const span = scale.end - scale.start;
  // The last tick is dropped when its label would run past the track.
  const ticks = niceTicks(span).filter((t) => t === 0 || t / span < 0.9);
  return (
    <li
      data-testid="waterfall-turn"
      data-turn={turn.index}
      data-rewound={turn.rewound ? "true" : undefined}
      className={cn("flex flex-col", turn.rewound && "opacity-55")}
    >
      <div className="flex items-center gap-1">
        <button
          type="button"
          aria-expanded={expanded}
          aria-label={`${expanded ? "Collapse" : "Expand"} turn ${turn.index}`}
          onClick={onToggle}
          className="inline-flex size-5 shrink-0 items-center justify-center rounded text-faint hover:bg-hover hover:text-fg"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            width="12"
            height="12"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            className={cn("transition-transform", expanded && "rotate-90")}
          >
            <path d="M6 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
        <button
          type="button"
          data-testid="waterfall-turn-jump"
          data-seq={turn.seq}
          onClick={() => onJump(turn.seq)}
          title="Show the start of this turn in the transcript"
          className={cn(
            "flex min-w-0 flex-1 items-baseline gap-2 rounded px-1 py-0.5 text-left text-xs hover:bg-hover",
            selectedSeq === turn.seq && "bg-accent/10",
          )}
        >
          <span className="font-medium text-fg">Turn {turn.index}</span>
          {turn.rewound ? (
            <span
              data-testid="waterfall-rewound"
              title="Its file changes were put back; the turn stays here"
              className="rounded bg-amber-400/10 px-1 text-amber-200"
            >
              rewound
            </span>
          ) : null}
          <span className={running ? "text-accent-text" : (STATUS_TONE[turn.status ?? ""] ?? "text-faint")}>
            {running ? "running" : turn.status}
          </span>
          <span className="font-mono text-muted tabular-nums">{formatDuration(totals.durationMs)}</span>
          <span className="truncate text-faint">
            {turn.steps.length} {turn.steps.length === 1 ? "step" : "steps"} · {totals.toolCalls}{" "}
            {totals.toolCalls === 1 ? "tool call" : "tool calls"}
            {totals.failedCalls > 0 ? ` (${totals.failedCalls} failed)` : ""} · model{" "}
            {formatDuration(totals.modelMs)} · tools {formatDuration(totals.toolMs)}
            {totals.inputTokens + totals.outputTokens > 0
              ? ` · ${formatTokens(totals.inputTokens + totals.outputTokens)} tokens`
              : ""}
          </span>
        </button>
      </div>
      {turn.error && expanded ? <p className="py-0.5 pl-8 text-red-300/90 text-xs">{turn.error}</p> : null}
      {expanded ? (
        <div className="pb-1 pl-6">
          <div aria-hidden="true" className={cn(GRID, "px-2 pb-0.5 text-[10px] text-faint")}>
            <span />
            <span className="relative block h-3">
              {ticks.map((t) => (
                <span
                  key={t}
                  className="absolute top-0 whitespace-nowrap border-line-strong border-l pl-1 font-mono tabular-nums"
                  style={{ left: `${(t / span) * 100}%` }}
                >
                  {t === 0 ? "0" : formatDuration(t)}
                </span>
              ))}
            </span>
            <span />
          </div>
          <ol className="flex flex-col">
            {turn.steps.map((step) => (
              <StepRows
                key={step.index}
                step={step}
                scale={scale}
                now={now}
                running={running}
                selectedSeq={selectedSeq}
                onJump={onJump}
              />
            ))}
          </ol>
        </div>
      ) : null}
    </li>
  );
}

/**
 * The session's steps and tool calls on a timeline, one block per turn (each on its own scale, so
 * the time a person spends between turns does not squash them). A click on any row scrolls the
 * transcript to where that turn, step or tool call begins.
 */
export function SessionWaterfall({
  waterfall,
  onJump,
}: {
  waterfall: Waterfall;
  /** Returns false when that point is no longer in the transcript. */
  onJump: (seq: number) => boolean;
}) {
  const [open, setOpen] = useState(false);
  const [toggled, setToggled] = useState<Map<string, boolean>>(() => new Map());
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const [missed, setMissed] = useState(false);
  const turns = waterfall.turns;
  const last = turns.at(-1);
  const running = last !== undefined && last.end === null;
  const now = useNow(running && open ? 250 : 30_000);

  useEffect(() => {
    setOpen(window.localStorage.getItem(OPEN_KEY) === "open");
  }, []);

  const summary = useMemo(() => {
    let calls = 0;
    let failed = 0;
    let toolMs = 0;
    let modelMs = 0;
    for (const turn of turns) {
      const t = turnTotals(turn, now);
      calls += t.toolCalls;
      failed += t.failedCalls;
      toolMs += t.toolMs;
      modelMs += t.modelMs;
    }
    return { calls, failed, toolMs, modelMs };
  }, [turns, now]);

  function toggleOpen() {
    const next = !open;
    setOpen(next);
    window.localStorage.setItem(OPEN_KEY, next ? "open" : "closed");
  }

  function jump(seq: number) {
    setSelectedSeq(seq);
    setMissed(!onJump(seq));
  }

  return (
    <section aria-label="Timeline" data-testid="waterfall" className="shrink-0 border-line border-b bg-panel">
      <button
        type="button"
        aria-expanded={open}
        data-testid="waterfall-toggle"
        onClick={toggleOpen}
        className="flex h-8 w-full items-center gap-2 px-5 text-left text-xs hover:bg-hover"
      >
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          width="12"
          height="12"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          className={cn("shrink-0 text-faint transition-transform", open && "rotate-90")}
        >
          <path d="M6 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="font-medium text-fg">Timeline</span>
        <span className="truncate text-faint" data-testid="waterfall-summary">
          {turns.length === 0
            ? "steps and tool calls appear here as the agent works"
            : `${turns.length} ${turns.length === 1 ? "turn" : "turns"} · ${summary.calls} tool ${
                summary.calls === 1 ? "call" : "calls"
              }${summary.failed > 0 ? ` (${summary.failed} failed)` : ""} · model ${formatDuration(
                summary.modelMs,
              )} · tools ${formatDuration(summary.toolMs)}`}
        </span>
      </button>
      {open ? (
        <div className="max-h-[38vh] overflow-y-auto px-3 pb-2">
          {missed ? (
            <p role="status" className="px-2 pb-1 text-amber-300/90 text-xs">
              That point has left the transcript's scrollback.
            </p>
          ) : null}
          {turns.length === 0 ? (
            <p className="px-2 py-1 text-faint text-xs">No turns yet.</p>
          ) : (
            <ol className="flex flex-col gap-1">
              {turns.map((turn) => (
                <TurnBlock
                  key={turn.turnId}
                  turn={turn}
                  now={now}
                  expanded={toggled.get(turn.turnId) ?? turn === last}
                  onToggle={() =>
                    setToggled((prev) =>
                      new Map(prev).set(turn.turnId, !(prev.get(turn.turnId) ?? turn === last)),
                    )
                  }
                  selectedSeq={selectedSeq}
                  onJump={jump}
                />
              ))}
            </ol>
          )}
        </div>
      ) : null}
    </section>
  );
}
