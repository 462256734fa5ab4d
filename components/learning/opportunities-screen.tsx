"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type {
  Hypothesis,
  MaintenanceRun,
  MaintenanceStatus,
  Opportunity,
  OpportunityStatus,
  WorkingMemoryVersion,
} from "@/lib/learning/views";
import { learningApi, sessionsApi } from "../api-client";
import { PageHeader } from "../page-header";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { PanelSection } from "./badges";
import { BatteryChangeDialog } from "./battery-change-dialog";
import type { KnownIds } from "./board-model";
import { HealthFigures } from "./health-figures";
import { HypothesisCards } from "./hypotheses";
import { ImportDialog } from "./import-dialog";
import { MaintenanceHistory } from "./maintenance-history";
import { OpportunityBoard } from "./opportunity-board";
import { OpportunityDialog } from "./opportunity-dialogs";
import { MAINTENANCE_CHANGED, useStartBatteryChange } from "./use-battery-change";
import { WorkingMemoryPanel } from "./working-memory";

const RUNNING_POLL_MS = 4000;

function BatteryIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
    >
      <rect x="1.75" y="4.75" width="11" height="6.5" rx="1.25" />
      <path d="M14.25 7v2" strokeLinecap="round" />
      <path d="M6.5 5.75 5 8h2.5L6 10.25" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * The Opportunities page: headline figures, the board, battery changes (start one, history,
 * resume), the working memory every prompt carries, and the hypotheses being tested.
 */
export function OpportunitiesScreen() {
  const router = useRouter();
  const battery = useStartBatteryChange();
  const [cards, setCards] = useState<Opportunity[] | null>(null);
  const [boardError, setBoardError] = useState<string | null>(null);
  const [maintenance, setMaintenance] = useState<{
    status: MaintenanceStatus;
    runs: MaintenanceRun[];
  } | null>(null);
  const [memory, setMemory] = useState<{
    current: WorkingMemoryVersion | null;
    versions: WorkingMemoryVersion[];
  } | null>(null);
  const [hypotheses, setHypotheses] = useState<Hypothesis[] | null>(null);
  const [known, setKnown] = useState<KnownIds>({ sessions: new Set(), learnings: new Set() });
  const [dialog, setDialog] = useState<{ card: Opportunity | null; status: OpportunityStatus } | null>(null);
  const [importing, setImporting] = useState(false);
  const [healthKey, setHealthKey] = useState(0);
  const [asking, setAsking] = useState(false);

  const loadBoard = useCallback(async () => {
    const result = await learningApi.opportunities();
    if (result.ok) {
      setCards(result.data.opportunities);
      setBoardError(null);
    } else setBoardError(result.message);
  }, []);

  const loadMaintenance = useCallback(async () => {
    const result = await learningApi.maintenance();
    if (result.ok) setMaintenance(result.data);
  }, []);

  const loadMemory = useCallback(async () => {
    const result = await learningApi.workingMemory();
    if (result.ok) setMemory(result.data);
  }, []);

  const loadHypotheses = useCallback(async () => {
    const result = await learningApi.hypotheses();
    if (result.ok) setHypotheses(result.data.hypotheses);
  }, []);

  const loadKnown = useCallback(async () => {
    const [sessions, learnings] = await Promise.all([sessionsApi.list(), learningApi.learningEvents()]);
    setKnown({
      sessions: new Set(sessions.ok ? sessions.data.sessions.map((s) => s.id) : []),
      learnings: new Set(learnings.ok ? learnings.data.learningEvents.map((l) => l.id) : []),
    });
  }, []);

  const loadAll = useCallback(() => {
    void loadBoard();
    void loadMaintenance();
    void loadMemory();
    void loadHypotheses();
    void loadKnown();
    setHealthKey((k) => k + 1);
  }, [loadBoard, loadMaintenance, loadMemory, loadHypotheses, loadKnown]);

  useEffect(() => {
    loadAll();
    const onChange = () => void loadMaintenance();
    window.addEventListener(MAINTENANCE_CHANGED, onChange);
    return () => window.removeEventListener(MAINTENANCE_CHANGED, onChange);
  }, [loadAll, loadMaintenance]);

  // While a battery change runs, its results land on this page as it writes them.
  const running = maintenance?.status.running ?? false;
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running) loadAll();
    wasRunning.current = running;
    if (!running) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== "visible") return;
      void loadBoard();
      void loadMaintenance();
      void loadMemory();
    }, RUNNING_POLL_MS);
    return () => window.clearInterval(timer);
  }, [running, loadBoard, loadMaintenance, loadMemory, loadAll]);

  const updateCards = useCallback((update: (cards: Opportunity[]) => Opportunity[]) => {
    setCards((current) => (current ? update(current) : current));
  }, []);

  const status = maintenance?.status ?? null;
  const runningSession = status?.running ? status.lastRun?.sessionId : null;
  const counts = useMemo(() => {
    const open = (cards ?? []).filter((c) => c.status === "todo" || c.status === "in_progress");
    return { open: open.length, carried: open.filter((c) => c.carriedOver).length };
  }, [cards]);

  return (
    <>
      <PageHeader
        title="Opportunities"
        description="What the agent could improve, from its own track record: a board you and the battery changes keep, the working memory every session starts with, and the hypotheses being tested."
        actions={
          runningSession ? (
            <Button
              variant="secondary"
              onClick={() => router.push(`/sessions/${encodeURIComponent(runningSession)}`)}
            >
              <span
                aria-hidden="true"
                className="size-1.5 animate-status-pulse rounded-full bg-accent-text"
              />
              Battery change running — watch
            </Button>
          ) : (
            <Button
              variant="primary"
              data-testid="change-batteries"
              disabled={battery.busy}
              onClick={() => setAsking(true)}
              title="Run a maintenance pass now: analysis, then the model acts on it (asks first)"
            >
              <BatteryIcon />
              {battery.busy ? "Starting…" : "Change batteries"}
            </Button>
          )
        }
      />
      <div className="flex w-full flex-col gap-9 px-4 md:px-8 py-6">
        {battery.error ? (
          <Callout tone="error" role="alert" data-testid="change-batteries-error">
            Could not start a battery change: {battery.error}
          </Callout>
        ) : null}

        <HealthFigures refreshKey={healthKey} />

        <PanelSection
          id="board"
          title="Board"
          description={
            <>
              {counts.open} open
              {counts.carried ? (
                <span className="text-amber-300">
                  {" "}
                  · {counts.carried} carried over 2+ passes — act on {counts.carried === 1 ? "it" : "them"} or
                  drop {counts.carried === 1 ? "it" : "them"}
                </span>
              ) : null}
              . Kept as OPPORTUNITIES.md when you export it.
            </>
          }
          actions={
            <>
              <Button
                size="sm"
                variant="ghost"
                data-testid="import-opportunities"
                onClick={() => setImporting(true)}
              >
                Import…
              </Button>
              <a
                href={learningApi.opportunitiesExportHref}
                download="OPPORTUNITIES.md"
                data-testid="export-opportunities"
                className="inline-flex h-7 items-center rounded-md px-2.5 font-medium text-muted text-sm transition-colors hover:bg-hover hover:text-fg"
              >
                Export OPPORTUNITIES.md
              </a>
              <Button
                size="sm"
                variant="secondary"
                data-testid="add-opportunity"
                onClick={() => setDialog({ card: null, status: "todo" })}
              >
                New opportunity
              </Button>
            </>
          }
        >
          {boardError ? (
            <Callout tone="error" role="alert">
              Could not load the board: {boardError}
            </Callout>
          ) : cards === null ? (
            <div aria-hidden="true" className="grid h-56 grid-cols-4 gap-3">
              {[0, 1, 2, 3].map((i) => (
                <div key={i} className="animate-pulse rounded-lg bg-panel/60" />
              ))}
            </div>
          ) : (
            <OpportunityBoard
              cards={cards}
              onCardsChange={updateCards}
              known={known}
              onEdit={(card) => setDialog({ card, status: card.status })}
              onAdd={(s) => setDialog({ card: null, status: s })}
            />
          )}
        </PanelSection>

        <PanelSection
          id="battery-changes"
          title="Battery changes"
          description={
            status ? (
              <span data-testid="battery-gauge">
                {status.sessionsSinceLastPass} of {status.threshold} sessions since the last pass
                {status.due ? " — one is due." : "."} Each pass analyses the record, then must act on the top
                small item instead of deferring it.
              </span>
            ) : (
              "Maintenance passes: analysis computed by code, then the model acts on it."
            )
          }
        >
          <MaintenanceHistory
            runs={maintenance?.runs ?? null}
            status={status}
            onResumed={(sessionId) => router.push(`/sessions/${encodeURIComponent(sessionId)}`)}
          />
        </PanelSection>

        <PanelSection
          id="working-memory"
          title="Working memory"
          description="Injected into every session's prompt. Five sections, at most 150 lines; each change is a new version."
        >
          <WorkingMemoryPanel
            current={memory?.current ?? null}
            versions={memory?.versions ?? null}
            onSaved={loadMemory}
          />
        </PanelSection>

        <PanelSection
          id="hypotheses"
          title="Hypotheses"
          description="Each improvement carries a claim about a telemetry metric, judged after its sessions. An invalidated one raises an opportunity."
        >
          <HypothesisCards hypotheses={hypotheses} />
        </PanelSection>
      </div>

      <OpportunityDialog
        open={dialog !== null}
        card={dialog?.card ?? null}
        status={dialog?.status ?? "todo"}
        onClose={() => setDialog(null)}
        onSaved={(saved) => {
          setDialog(null);
          setCards((current) => {
            if (!current) return [saved];
            return current.some((c) => c.id === saved.id)
              ? current.map((c) => (c.id === saved.id ? saved : c))
              : [...current, saved];
          });
        }}
        onDeleted={(id) => {
          setDialog(null);
          setCards((current) => current?.filter((c) => c.id !== id) ?? current);
        }}
      />
      <BatteryChangeDialog
        open={asking}
        busy={battery.busy}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          void battery.start();
        }}
      />
      <ImportDialog
        open={importing}
        onClose={() => setImporting(false)}
        onImported={() => void loadBoard()}
      />
    </>
  );
}
