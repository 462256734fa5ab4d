"use client";

import Link from "next/link";
import type { DragEvent, KeyboardEvent, ReactNode } from "react";
import type { Opportunity } from "@/lib/learning/views";
import { formatAbsoluteTime } from "../format";
import { cn } from "../ui/cn";
import { Badge } from "./badges";
import { columnLabel, type Direction, type EvidenceLink } from "./board-model";

const IMPACT_WORD = { H: "High", M: "Medium", L: "Low" } as const;
const EFFORT_WORD = { S: "Small", M: "Medium", L: "Large" } as const;

function Arrow({ direction }: { direction: Direction }) {
  const d = {
    left: "M9.5 4 5.5 8l4 4",
    right: "M6.5 4l4 4-4 4",
    up: "M4 9.5 8 5.5l4 4",
    down: "M4 6.5l4 4 4-4",
  }[direction];
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    >
      <path d={d} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function IconButton({
  label,
  onClick,
  disabled,
  children,
  testId,
}: {
  label: string;
  onClick(): void;
  disabled?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      data-testid={testId}
      disabled={disabled}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
      className="inline-flex size-6 items-center justify-center rounded text-faint transition-colors hover:bg-hover hover:text-fg disabled:pointer-events-none disabled:opacity-30"
    >
      {children}
    </button>
  );
}

function Detail({ label, text }: { label: string; text: string }) {
  if (!text.trim()) return null;
  return (
    <div>
      <dt className="text-faint text-xs uppercase tracking-wide">{label}</dt>
      <dd className="mt-0.5 whitespace-pre-wrap break-words text-muted">{text}</dd>
    </div>
  );
}

function EvidenceChip({ link }: { link: EvidenceLink }) {
  const className =
    "inline-flex max-w-full items-center gap-1 truncate rounded border border-line bg-canvas px-1.5 py-px font-mono text-[11px]";
  if ("href" in link)
    return (
      <Link
        href={link.href}
        onClick={(e) => e.stopPropagation()}
        data-testid="evidence-link"
        className={cn(className, "text-accent-text hover:border-line-strong hover:bg-hover")}
        title={`${link.kind} ${link.id}`}
      >
        <span className="text-faint">{link.kind === "tool" ? "tool" : ""}</span>
        {link.label}
      </Link>
    );
  return (
    <span className={cn(className, "text-muted")} title={link.id}>
      {link.label}
    </span>
  );
}

export interface CardMoves {
  left: boolean;
  right: boolean;
  up: boolean;
  down: boolean;
}

/**
 * One card. Focusable: arrows move focus between cards, Alt+arrows move the card, Enter shows the
 * details, E edits. The buttons do the same for pointer users.
 */
export function OpportunityCard({
  card,
  links,
  expanded,
  dragging,
  moves,
  neighbours,
  onToggle,
  onMove,
  onEdit,
  onFocusMove,
  onDragStart,
  onDragEnd,
}: {
  card: Opportunity;
  links: EvidenceLink[];
  expanded: boolean;
  dragging: boolean;
  moves: CardMoves;
  neighbours: { left: string | null; right: string | null };
  onToggle(): void;
  onMove(direction: Direction): void;
  onEdit(): void;
  onFocusMove(direction: Direction): void;
  onDragStart(event: DragEvent<HTMLElement>): void;
  onDragEnd(): void;
}) {
  const titleId = `opportunity-title-${card.id}`;
  const open = card.status === "todo" || card.status === "in_progress";

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.target !== event.currentTarget) return;
    const arrows: Record<string, Direction> = {
      ArrowLeft: "left",
      ArrowRight: "right",
      ArrowUp: "up",
      ArrowDown: "down",
    };
    const direction = arrows[event.key];
    if (direction) {
      event.preventDefault();
      if (event.altKey || event.shiftKey) {
        if (moves[direction]) onMove(direction);
      } else onFocusMove(direction);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onToggle();
    } else if ((event.key === "e" || event.key === "E") && !event.metaKey && !event.ctrlKey) {
      event.preventDefault();
      onEdit();
    }
  }

  const shown = expanded ? links : links.slice(0, 3);

  return (
    <article
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the card is the unit keyboard users move around the board
      tabIndex={0}
      draggable
      data-testid="opportunity-card"
      id={`opportunity-${card.id}`}
      data-card-id={card.id}
      data-status={card.status}
      aria-labelledby={titleId}
      aria-describedby="board-keys"
      onKeyDown={onKeyDown}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      className={cn(
        "group flex cursor-grab flex-col gap-2 rounded-md border bg-panel px-3 pt-2.5 pb-1.5 shadow-black/30 shadow-sm transition-[border-color,opacity,background-color] active:cursor-grabbing",
        "focus-visible:border-accent-text focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent/30",
        card.carriedOver ? "border-amber-400/30" : "border-line hover:border-line-strong",
        dragging && "opacity-40",
      )}
    >
      <div className="flex items-start gap-2">
        <h3
          id={titleId}
          data-testid="opportunity-card-title"
          className="min-w-0 flex-1 break-words font-medium text-fg leading-5"
        >
          {card.title}
        </h3>
      </div>

      <div className="flex flex-wrap items-center gap-1">
        <Badge
          tone={card.impact === "H" ? "accent" : "neutral"}
          title={`${IMPACT_WORD[card.impact] ?? card.impact} impact`}
          data-testid="opportunity-impact"
        >
          <span className="text-faint">impact</span> {card.impact}
        </Badge>
        <Badge
          tone={card.effort === "S" ? "good" : "neutral"}
          title={`${EFFORT_WORD[card.effort] ?? card.effort} effort`}
          data-testid="opportunity-effort"
        >
          <span className="text-faint">effort</span> {card.effort}
        </Badge>
        {card.carriedOver ? (
          <Badge
            tone="warn"
            data-testid="carried-over"
            title="Still open after this many battery changes: act on it or drop it"
          >
            ⟳ carried over {card.passesCarried} passes
          </Badge>
        ) : card.passesCarried > 0 ? (
          <Badge title="Battery changes this card has been open through" data-testid="opportunity-age">
            {card.passesCarried} {card.passesCarried === 1 ? "pass" : "passes"} old
          </Badge>
        ) : open ? (
          <Badge title="Not yet through a battery change" data-testid="opportunity-age">
            new
          </Badge>
        ) : null}
      </div>

      {expanded ? (
        <dl
          className="flex flex-col gap-2 border-line border-t pt-2 text-sm"
          data-testid="opportunity-details"
        >
          <Detail label="What" text={card.what} />
          <Detail label="Why" text={card.why} />
          <Detail label="Success criteria" text={card.successCriteria} />
          {card.status === "dropped" && card.dropReason ? (
            <Detail label="Dropped because" text={card.dropReason} />
          ) : null}
          {!card.what && !card.why && !card.successCriteria ? (
            <p className="text-faint">No details yet — edit to add what, why and success criteria.</p>
          ) : null}
          <p className="text-faint text-xs">
            Added {formatAbsoluteTime(card.createdAt)}
            {card.runId ? " by a battery change" : ""}
          </p>
        </dl>
      ) : card.what ? (
        <p className="line-clamp-2 text-muted text-sm">{card.what}</p>
      ) : null}

      {!expanded && card.status === "dropped" && card.dropReason ? (
        <p className="line-clamp-2 text-sm text-amber-200/80">
          <span className="text-faint">Dropped: </span>
          {card.dropReason}
        </p>
      ) : null}

      {links.length ? (
        <div className="flex flex-wrap gap-1">
          {shown.map((l) => (
            <EvidenceChip key={`${l.kind}:${l.id}`} link={l} />
          ))}
          {links.length > shown.length ? (
            <span className="px-1 text-faint text-xs">+{links.length - shown.length} more</span>
          ) : null}
        </div>
      ) : null}

      <div className="-mx-1 flex items-center gap-0.5 text-faint">
        <button
          type="button"
          aria-expanded={expanded}
          data-testid="opportunity-toggle"
          onClick={(e) => {
            e.stopPropagation();
            onToggle();
          }}
          className="mr-auto inline-flex h-6 items-center rounded px-1.5 text-xs hover:bg-hover hover:text-fg"
        >
          {expanded ? "Less" : "Details"}
        </button>
        <IconButton
          label={
            neighbours.left ? `Move to ${columnLabel(neighbours.left as Opportunity["status"])}` : "Move left"
          }
          testId="move-left"
          disabled={!moves.left}
          onClick={() => onMove("left")}
        >
          <Arrow direction="left" />
        </IconButton>
        <IconButton label="Move up" testId="move-up" disabled={!moves.up} onClick={() => onMove("up")}>
          <Arrow direction="up" />
        </IconButton>
        <IconButton
          label="Move down"
          testId="move-down"
          disabled={!moves.down}
          onClick={() => onMove("down")}
        >
          <Arrow direction="down" />
        </IconButton>
        <IconButton
          label={
            neighbours.right
              ? `Move to ${columnLabel(neighbours.right as Opportunity["status"])}`
              : "Move right"
          }
          testId="move-right"
          disabled={!moves.right}
          onClick={() => onMove("right")}
        >
          <Arrow direction="right" />
        </IconButton>
        <button
          type="button"
          data-testid="opportunity-edit"
          onClick={(e) => {
            e.stopPropagation();
            onEdit();
          }}
          className="ml-1 inline-flex h-6 items-center rounded px-1.5 text-xs hover:bg-hover hover:text-fg"
        >
          Edit
        </button>
      </div>
    </article>
  );
}
