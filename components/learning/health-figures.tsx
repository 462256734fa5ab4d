"use client";

import { type ReactNode, useCallback, useEffect, useState } from "react";
import type { LearningHealth, LearningSource } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { formatPercent } from "../format";
import { cn } from "../ui/cn";

const SOURCES: LearningSource[] = ["agent", "detector", "user"];

function Tile({
  label,
  value,
  detail,
  meter,
  testId,
  title,
}: {
  label: string;
  value: ReactNode;
  detail: ReactNode;
  meter?: ReactNode;
  testId: string;
  title?: string;
}) {
  return (
    <div data-testid={testId} title={title} className="flex min-w-0 flex-col gap-1 bg-panel px-4 py-3.5">
      <dt className="text-faint text-xs uppercase tracking-wide">{label}</dt>
      <dd className="flex flex-col gap-1.5">
        <span data-testid={`${testId}-value`} className="font-semibold text-fg text-xl tabular-nums">
          {value}
        </span>
        {meter}
        <span className="text-muted text-sm">{detail}</span>
      </dd>
    </div>
  );
}

function Meter({ ratio, goal = 1 }: { ratio: number | null; goal?: number }) {
  const value = Math.max(0, Math.min(1, ratio ?? 0));
  return (
    <span
      aria-hidden="true"
      className="relative block h-1 w-full overflow-hidden rounded-full bg-line-strong"
    >
      <span
        className={cn(
          "absolute inset-y-0 left-0 rounded-full",
          value >= goal ? "bg-emerald-400" : value >= 0.8 ? "bg-accent-text" : "bg-amber-400",
        )}
        style={{ width: `${value * 100}%` }}
      />
    </span>
  );
}

function round(n: number): string {
  if (n === 0) return "0";
  return n >= 10 ? n.toFixed(0) : n.toFixed(n >= 1 ? 1 : 2);
}

/**
 * The loops' headline figures (GET /api/learning/health): friction → tool built in the same turn,
 * reflection coverage (goal 100%), learning events per session by source, and small items the last
 * battery change acted on. `refreshKey` refetches when it changes.
 */
export function HealthFigures({ refreshKey = 0, className }: { refreshKey?: number; className?: string }) {
  const [health, setHealth] = useState<LearningHealth | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    const result = await learningApi.health(signal);
    if (result.ok) {
      setHealth(result.data);
      setError(null);
    } else setError(result.message);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the parent's way to ask for a refetch
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).catch(() => {});
    return () => controller.abort();
  }, [load, refreshKey]);

  if (error && !health) {
    return (
      <p role="alert" className={cn("text-red-300 text-sm", className)}>
        Could not load the headline figures: {error}
      </p>
    );
  }

  const conversion = health?.frictionConversion;
  const coverage = health?.reflectionCoverage;
  const learnings = health?.learningEvents;
  const total = learnings ? SOURCES.reduce((sum, s) => sum + (learnings.bySource[s] ?? 0), 0) : 0;
  // The route gives the total per session; the number of sessions follows from it.
  const sessions = learnings?.perSession ? total / learnings.perSession : null;
  const acted = health?.smallItemsActedLastPass;

  return (
    <section aria-label="Headline figures" className={className}>
      <dl
        data-testid="learning-health"
        aria-busy={health ? undefined : true}
        className="grid grid-cols-1 gap-px overflow-hidden rounded-lg border border-line bg-line sm:grid-cols-2 xl:grid-cols-4"
      >
        <Tile
          testId="health-conversion"
          label="Friction → tool built"
          title="Friction the harness noticed that led the agent to build or change a tool in the same turn"
          value={health ? formatPercent(conversion?.rate) : "…"}
          meter={<Meter ratio={conversion?.rate ?? null} />}
          detail={
            conversion && conversion.total > 0
              ? `${conversion.converted} of ${conversion.total} frictions converted in-turn`
              : "No settled friction yet"
          }
        />
        <Tile
          testId="health-coverage"
          label="Reflection coverage"
          title="Reflected sessions out of those that ended, went idle or were interrupted after an exchange"
          value={
            health ? (
              <>
                {formatPercent(coverage?.rate)}
                <span className="ml-1.5 font-normal text-faint text-sm">goal 100%</span>
              </>
            ) : (
              "…"
            )
          }
          meter={<Meter ratio={coverage?.rate ?? null} />}
          detail={
            coverage && coverage.eligible > 0
              ? `${coverage.reflected} of ${coverage.eligible} eligible sessions reflected`
              : "No finished session yet"
          }
        />
        <Tile
          testId="health-learnings"
          label="Learning events / session"
          title="Corrections, preferences and patterns captured, per agent session, by who captured them"
          value={health ? (learnings?.perSession === null ? "—" : round(learnings?.perSession ?? 0)) : "…"}
          detail={
            health ? (
              <span className="flex flex-wrap gap-x-3 gap-y-0.5">
                {SOURCES.map((source) => {
                  const count = learnings?.bySource[source] ?? 0;
                  return (
                    <span key={source} title={`${count} from ${source}`}>
                      {source}{" "}
                      <span className="text-fg tabular-nums">{sessions ? round(count / sessions) : "0"}</span>
                    </span>
                  );
                })}
              </span>
            ) : (
              "\u00a0"
            )
          }
        />
        <Tile
          testId="health-small-items"
          label="Small items acted on"
          title="Small-effort opportunities the last battery change built, moved or dropped instead of deferring"
          value={health ? (acted === null || acted === undefined ? "—" : acted) : "…"}
          detail={
            acted === null || acted === undefined ? "No battery change yet" : "in the last battery change"
          }
        />
      </dl>
    </section>
  );
}
