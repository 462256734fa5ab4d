"use client";

import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Opportunity, OpportunityStatus } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { cn } from "../ui/cn";
import { Kbd } from "../ui/kbd";
import {
  applyMove,
  COLUMNS,
  columnLabel,
  type Direction,
  evidenceLinks,
  groupByStatus,
  type KnownIds,
  type Move,
  neighbourMove,
  planMove,
} from "./board-model";
import { OpportunityCard } from "./opportunity-card";
import { DropDialog } from "./opportunity-dialogs";
import { SaveQueue } from "./save-queue";

const DRAG_TYPE = "application/x-ratchet-opportunity";

const COLUMN_HINTS: Record<OpportunityStatus, string> = {
  todo: "Nothing waiting. A battery change adds what the evidence supports.",
  in_progress: "Drag a card here, or focus it and press Alt+→.",
  done: "Finished improvements land here.",
  dropped: "Dropped cards keep their reason.",
};

/**
 * The OPPORTUNITIES board: four columns, cards moved by drag and drop or from the keyboard.
 * Every move is saved (PATCH status + position) in order behind the board's earlier saves; only the
 * answer to a card's latest move is applied, and a failed one puts the card back where the server
 * has it.
 */
export function OpportunityBoard({
  cards,
  onCardsChange,
  known,
  onEdit,
  onAdd,
}: {
  cards: Opportunity[];
  onCardsChange(update: (cards: Opportunity[]) => Opportunity[]): void;
  known: KnownIds;
  onEdit(card: Opportunity): void;
  onAdd(status: OpportunityStatus): void;
}) {
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set());
  const [dragging, setDragging] = useState<string | null>(null);
  const [target, setTarget] = useState<{ status: OpportunityStatus; index: number } | null>(null);
  const [pendingDrop, setPendingDrop] = useState<{ card: Opportunity; index: number } | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [error, setError] = useState<string | null>(null);
  const focusAfter = useRef<string | null>(null);
  const boardRef = useRef<HTMLDivElement>(null);
  const cardsRef = useRef(cards);
  cardsRef.current = cards;
  const saves = useRef(new SaveQueue());
  /** Each moved card as the server last confirmed it: where a failed move puts it back. */
  const confirmed = useRef(new Map<string, Opportunity>());

  const columns = useMemo(() => groupByStatus(cards), [cards]);

  useEffect(() => {
    const id = focusAfter.current;
    if (!id) return;
    focusAfter.current = null;
    boardRef.current?.querySelector<HTMLElement>(`[data-card-id="${CSS.escape(id)}"]`)?.focus();
  });

  const commit = useCallback(
    async (move: Move, extra: { dropReason?: string | null } = {}) => {
      const before = cardsRef.current;
      const card = before.find((c) => c.id === move.id);
      if (!card) return;
      const leavingDropped = card.status === "dropped" && move.status !== "dropped";
      const dropReason =
        extra.dropReason !== undefined ? extra.dropReason : leavingDropped ? null : undefined;
      focusAfter.current = move.id;
      onCardsChange((current) =>
        applyMove(current, move).map((c) =>
          c.id === move.id && dropReason !== undefined ? { ...c, dropReason } : c,
        ),
      );
      const column = groupByStatus(applyMove(before, move))[move.status];
      const at = column.findIndex((c) => c.id === move.id);
      setAnnouncement(
        `Moved “${card.title}” to ${columnLabel(move.status)}, position ${at + 1} of ${column.length}.`,
      );
      setError(null);
      const touched = [move.id, ...move.renumber.map((r) => r.id)];
      for (const id of touched) {
        const was = before.find((c) => c.id === id);
        if (was && !confirmed.current.has(id)) confirmed.current.set(id, was);
      }
      // sent only when the board's earlier saves have been answered
      const { result: results, latest } = await saves.current.run(move.id, () =>
        Promise.all([
          learningApi.updateOpportunity(move.id, {
            status: move.status,
            position: move.position,
            ...(dropReason !== undefined ? { dropReason } : {}),
          }),
          ...move.renumber.map((r) => learningApi.updateOpportunity(r.id, { position: r.position })),
        ]),
      );
      for (const r of results) if (r.ok) confirmed.current.set(r.data.id, r.data);
      // a later move of this card is on its way: this answer describes a place the card has left
      if (!latest) return;
      // nothing of this card is in flight now: its next move starts from the board as shown
      const back = confirmed.current.get(move.id);
      confirmed.current.delete(move.id);
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) {
        // back to where the server has them: only this move's cards, other moves stand
        onCardsChange((current) =>
          current.map((c) => {
            const was =
              c.id === move.id ? back : touched.includes(c.id) ? confirmed.current.get(c.id) : undefined;
            return was ? { ...c, status: was.status, position: was.position, dropReason: was.dropReason } : c;
          }),
        );
        focusAfter.current = move.id;
        setError(`Could not move “${card.title}”: ${failed.message}`);
        setAnnouncement(`Move failed: ${failed.message}`);
        return;
      }
      const saved = results[0];
      if (saved?.ok)
        onCardsChange((current) => current.map((c) => (c.id === saved.data.id ? saved.data : c)));
    },
    [onCardsChange],
  );

  const moveTo = useCallback(
    (id: string, status: OpportunityStatus, index: number) => {
      const current = cardsRef.current;
      const card = current.find((c) => c.id === id);
      if (!card) return;
      const here = groupByStatus(current)[card.status].findIndex((c) => c.id === id);
      if (card.status === status && here === index) {
        focusAfter.current = id;
        return;
      }
      if (status === "dropped" && card.status !== "dropped") {
        setPendingDrop({ card, index });
        return;
      }
      void commit(planMove(current, id, status, index));
    },
    [commit],
  );

  const moveBy = useCallback(
    (id: string, direction: Direction) => {
      const next = neighbourMove(cardsRef.current, id, direction);
      if (next) moveTo(id, next.status, next.index);
    },
    [moveTo],
  );

  const focusBy = useCallback((id: string, direction: Direction) => {
    const current = groupByStatus(cardsRef.current);
    const card = cardsRef.current.find((c) => c.id === id);
    if (!card) return;
    const col = COLUMNS.findIndex((c) => c.status === card.status);
    const index = current[card.status].findIndex((c) => c.id === id);
    let nextId: string | undefined;
    if (direction === "up") nextId = current[card.status][index - 1]?.id;
    else if (direction === "down") nextId = current[card.status][index + 1]?.id;
    else {
      const step = direction === "left" ? -1 : 1;
      for (let c = col + step; c >= 0 && c < COLUMNS.length; c += step) {
        const list = current[COLUMNS[c]?.status ?? "todo"];
        if (list.length) {
          nextId = list[Math.min(index, list.length - 1)]?.id;
          break;
        }
      }
    }
    if (nextId)
      boardRef.current?.querySelector<HTMLElement>(`[data-card-id="${CSS.escape(nextId)}"]`)?.focus();
  }, []);

  function dropIndex(event: DragEvent<HTMLElement>, status: OpportunityStatus): number {
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>("[data-card-id]")].filter(
      (el) => el.dataset.cardId !== dragging,
    );
    const y = event.clientY;
    let index = 0;
    for (const el of items) {
      const box = el.getBoundingClientRect();
      if (y > box.top + box.height / 2) index++;
    }
    return Math.min(index, columns[status].filter((c) => c.id !== dragging).length);
  }

  function onDragOver(event: DragEvent<HTMLElement>, status: OpportunityStatus) {
    if (!dragging && !event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const index = dropIndex(event, status);
    if (target?.status !== status || target.index !== index) setTarget({ status, index });
  }

  function onDrop(event: DragEvent<HTMLElement>, status: OpportunityStatus) {
    event.preventDefault();
    const id = event.dataTransfer.getData(DRAG_TYPE) || dragging;
    const index = dropIndex(event, status);
    setDragging(null);
    setTarget(null);
    if (id) moveTo(id, status, index);
  }

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="flex flex-col gap-2">
      <p id="board-keys" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-faint text-xs">
        <span>Drag cards between columns, or focus one:</span>
        <span className="inline-flex items-center gap-1">
          <Kbd>←</Kbd>
          <Kbd>↑</Kbd>
          <Kbd>↓</Kbd>
          <Kbd>→</Kbd> move focus
        </span>
        <span className="inline-flex items-center gap-1">
          <Kbd>Alt</Kbd>+<Kbd>←</Kbd>
          <Kbd>→</Kbd> change column
        </span>
        <span className="inline-flex items-center gap-1">
          <Kbd>Alt</Kbd>+<Kbd>↑</Kbd>
          <Kbd>↓</Kbd> reorder
        </span>
        <span className="inline-flex items-center gap-1">
          <Kbd>Enter</Kbd> details
        </span>
        <span className="inline-flex items-center gap-1">
          <Kbd>E</Kbd> edit
        </span>
      </p>
      <p aria-live="polite" className="sr-only" data-testid="board-announcement">
        {announcement}
      </p>
      {error ? (
        <p role="alert" className="text-red-300 text-sm" data-testid="board-error">
          {error}
        </p>
      ) : null}
      <div ref={boardRef} className="overflow-x-auto pb-2">
        <div data-testid="opportunity-board" className="grid min-w-[56rem] grid-cols-4 gap-3">
          {COLUMNS.map((column, col) => {
            const list = columns[column.status];
            const isTarget = target?.status === column.status;
            const visible = list.filter((c) => c.id !== dragging);
            return (
              <section
                key={column.status}
                aria-labelledby={`column-${column.status}`}
                data-testid={`column-${column.status}`}
                className={cn(
                  "flex min-h-48 flex-col rounded-lg border bg-panel/50 transition-colors",
                  isTarget ? "border-accent/60 bg-accent/[0.04]" : "border-line",
                )}
                onDragOver={(e) => onDragOver(e, column.status)}
                onDragLeave={(e) => {
                  if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setTarget(null);
                }}
                onDrop={(e) => onDrop(e, column.status)}
              >
                <header className="flex h-10 shrink-0 items-center gap-2 border-line border-b px-3">
                  <span
                    aria-hidden="true"
                    className={cn(
                      "size-2 rounded-full",
                      column.status === "todo" && "bg-zinc-500",
                      column.status === "in_progress" && "bg-accent-text",
                      column.status === "done" && "bg-emerald-400",
                      column.status === "dropped" && "bg-amber-400/70",
                    )}
                  />
                  <h3 id={`column-${column.status}`} className="font-medium text-fg text-sm">
                    {column.label}
                  </h3>
                  <span
                    className="text-faint text-xs tabular-nums"
                    data-testid={`column-count-${column.status}`}
                  >
                    {list.length}
                  </span>
                  {column.status === "todo" || column.status === "in_progress" ? (
                    <button
                      type="button"
                      onClick={() => onAdd(column.status)}
                      aria-label={`Add an opportunity to ${column.label}`}
                      title={`Add to ${column.label}`}
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
                        <path d="M8 3.5v9M3.5 8h9" strokeLinecap="round" />
                      </svg>
                    </button>
                  ) : null}
                </header>
                <ol className="flex flex-1 flex-col gap-2 p-2" aria-labelledby={`column-${column.status}`}>
                  {list.map((card) => {
                    const index = visible.findIndex((c) => c.id === card.id);
                    const showLine = isTarget && dragging !== card.id && target.index === index;
                    const position = list.findIndex((c) => c.id === card.id);
                    return (
                      <li key={card.id} className="relative">
                        {showLine ? <DropLine /> : null}
                        <OpportunityCard
                          card={card}
                          links={evidenceLinks(card.evidence, known)}
                          expanded={expanded.has(card.id)}
                          dragging={dragging === card.id}
                          moves={{
                            left: col > 0,
                            right: col < COLUMNS.length - 1,
                            up: position > 0,
                            down: position < list.length - 1,
                          }}
                          neighbours={{
                            left: COLUMNS[col - 1]?.status ?? null,
                            right: COLUMNS[col + 1]?.status ?? null,
                          }}
                          onToggle={() => toggle(card.id)}
                          onMove={(direction) => moveBy(card.id, direction)}
                          onEdit={() => onEdit(card)}
                          onFocusMove={(direction) => focusBy(card.id, direction)}
                          onDragStart={(e) => {
                            e.dataTransfer.setData(DRAG_TYPE, card.id);
                            e.dataTransfer.setData("text/plain", card.title);
                            e.dataTransfer.effectAllowed = "move";
                            // Let the browser snapshot the card before it fades.
                            window.requestAnimationFrame(() => setDragging(card.id));
                          }}
                          onDragEnd={() => {
                            setDragging(null);
                            setTarget(null);
                          }}
                        />
                      </li>
                    );
                  })}
                  {/* Kept in the DOM while dragging: removing the element under the pointer cancels the drop. */}
                  {list.length === 0 ? (
                    <li
                      className={cn(
                        "relative flex flex-1 items-center justify-center px-3 py-6 text-center text-faint text-sm transition-opacity",
                        isTarget && "opacity-40",
                      )}
                    >
                      {isTarget ? <DropLine /> : null}
                      {COLUMN_HINTS[column.status]}
                    </li>
                  ) : (
                    <li aria-hidden="true" className="relative h-2">
                      {isTarget && target.index >= visible.length ? <DropLine /> : null}
                    </li>
                  )}
                </ol>
              </section>
            );
          })}
        </div>
      </div>
      <DropDialog
        card={pendingDrop?.card ?? null}
        onCancel={() => {
          if (pendingDrop) focusAfter.current = pendingDrop.card.id;
          setPendingDrop(null);
        }}
        onConfirm={(reason) => {
          if (!pendingDrop) return;
          const { card, index } = pendingDrop;
          setPendingDrop(null);
          void commit(planMove(cardsRef.current, card.id, "dropped", index), { dropReason: reason });
        }}
      />
    </div>
  );
}

function DropLine() {
  return (
    <span
      aria-hidden="true"
      className="-top-[5px] pointer-events-none absolute inset-x-0 h-0.5 rounded-full bg-accent-text shadow-[0_0_0_2px] shadow-accent/20"
    />
  );
}
