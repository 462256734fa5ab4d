import type { Opportunity, OpportunityStatus } from "@/lib/learning/views";

/** The board's columns, left to right. */
export const COLUMNS: ReadonlyArray<{ status: OpportunityStatus; label: string }> = [
  { status: "todo", label: "To do" },
  { status: "in_progress", label: "In progress" },
  { status: "done", label: "Done" },
  { status: "dropped", label: "Dropped" },
];

export function columnLabel(status: OpportunityStatus): string {
  return COLUMNS.find((c) => c.status === status)?.label ?? status;
}

type Card = Pick<Opportunity, "id" | "status" | "position" | "createdAt">;

function byPosition(a: Card, b: Card): number {
  return a.position - b.position || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/** Cards of each column in board order. */
export function groupByStatus<T extends Card>(cards: readonly T[]): Record<OpportunityStatus, T[]> {
  const groups: Record<OpportunityStatus, T[]> = { todo: [], in_progress: [], done: [], dropped: [] };
  for (const card of cards) (groups[card.status] ?? groups.todo).push(card);
  for (const list of Object.values(groups)) list.sort(byPosition);
  return groups;
}

/** Positions closer than this are renumbered rather than split again. */
const MIN_GAP = 1e-6;

export interface Move {
  id: string;
  status: OpportunityStatus;
  position: number;
  /** Other cards of the target column that need a new position (only when positions ran out of room). */
  renumber: Array<{ id: string; position: number }>;
}

/**
 * Where a card lands when put at `index` of a column (its index among the other cards there):
 * between its new neighbours, or everything in the column renumbered 1, 2, 3… if they are too close.
 */
export function planMove(cards: readonly Card[], id: string, status: OpportunityStatus, index: number): Move {
  const column = groupByStatus(cards.filter((c) => c.id !== id))[status];
  const at = Math.max(0, Math.min(index, column.length));
  const prev = column[at - 1];
  const next = column[at];
  if (prev && next) {
    if (next.position - prev.position > MIN_GAP)
      return { id, status, position: (prev.position + next.position) / 2, renumber: [] };
    const order = [...column.slice(0, at).map((c) => c.id), id, ...column.slice(at).map((c) => c.id)];
    const positions = order.map((cardId, i) => ({ id: cardId, position: i + 1 }));
    const own = positions[at]?.position ?? at + 1;
    const renumber = positions.filter((p) => {
      if (p.id === id) return false;
      return column.find((c) => c.id === p.id)?.position !== p.position;
    });
    return { id, status, position: own, renumber };
  }
  if (prev) return { id, status, position: prev.position + 1, renumber: [] };
  if (next) return { id, status, position: next.position - 1, renumber: [] };
  return { id, status, position: 1, renumber: [] };
}

/** Where a card is now: its column and index. */
export function locate(
  cards: readonly Card[],
  id: string,
): { status: OpportunityStatus; index: number } | null {
  const card = cards.find((c) => c.id === id);
  if (!card) return null;
  const index = groupByStatus(cards)[card.status].findIndex((c) => c.id === id);
  return { status: card.status, index };
}

export type Direction = "left" | "right" | "up" | "down";

/** The move a keyboard arrow asks for, or null at an edge. Sideways keeps the row where it can. */
export function neighbourMove(
  cards: readonly Card[],
  id: string,
  direction: Direction,
): { status: OpportunityStatus; index: number } | null {
  const here = locate(cards, id);
  if (!here) return null;
  const col = COLUMNS.findIndex((c) => c.status === here.status);
  if (direction === "up") return here.index > 0 ? { status: here.status, index: here.index - 1 } : null;
  if (direction === "down") {
    const size = groupByStatus(cards)[here.status].length;
    return here.index < size - 1 ? { status: here.status, index: here.index + 1 } : null;
  }
  const target = COLUMNS[col + (direction === "left" ? -1 : 1)];
  if (!target) return null;
  const size = groupByStatus(cards)[target.status].length;
  return { status: target.status, index: Math.min(here.index, size) };
}

/** Applies a move to a local copy of the board (optimistic update). */
export function applyMove<T extends Card>(cards: readonly T[], move: Move): T[] {
  const renumbered = new Map(move.renumber.map((r) => [r.id, r.position]));
  return cards.map((c) => {
    if (c.id === move.id) return { ...c, status: move.status, position: move.position };
    const position = renumbered.get(c.id);
    return position === undefined ? c : { ...c, position };
  });
}

// ---------------------------------------------------------------------------------------------
// Evidence

export type EvidenceLink =
  | { kind: "session"; id: string; href: string; label: string }
  | { kind: "tool"; id: string; href: string; label: string }
  | { kind: "learning"; id: string; href: string; label: string }
  | { kind: "hypothesis"; id: string; href: string; label: string }
  | { kind: "friction" | "text"; id: string; label: string };

const KEY_KINDS: Record<string, EvidenceLink["kind"]> = {
  session: "session",
  sessions: "session",
  sessionid: "session",
  sessionids: "session",
  tool: "tool",
  tools: "tool",
  toolname: "tool",
  learning: "learning",
  learnings: "learning",
  learningid: "learning",
  learningids: "learning",
  learningevent: "learning",
  learningevents: "learning",
  hypothesis: "hypothesis",
  hypothesisid: "hypothesis",
  friction: "friction",
  frictions: "friction",
  frictionid: "friction",
  frictionids: "friction",
};

const PREFIX =
  /^(session|sessions|tool|tools|learning|learnings|learning[-_ ]?event|hypothesis|friction)[:/#\s]+(.+)$/i;
const TOOL_NAME = /^[a-z][a-z0-9_]{1,63}$/;

export interface KnownIds {
  sessions: ReadonlySet<string>;
  learnings: ReadonlySet<string>;
}

function link(kind: EvidenceLink["kind"], raw: string): EvidenceLink {
  const id = raw.trim();
  switch (kind) {
    case "session":
      return { kind, id, href: `/sessions/${encodeURIComponent(id)}`, label: `session ${id.slice(0, 10)}` };
    case "tool":
      return { kind, id, href: `/tools?name=${encodeURIComponent(id)}`, label: id };
    case "learning":
      return {
        kind,
        id,
        href: `/learnings#learning-${encodeURIComponent(id)}`,
        label: `learning ${id.slice(0, 10)}`,
      };
    case "hypothesis":
      return {
        kind,
        id,
        href: `#hypothesis-${encodeURIComponent(id)}`,
        label: `hypothesis ${id.slice(0, 10)}`,
      };
    default:
      return { kind, id, label: kind === "friction" ? `friction ${id.slice(0, 10)}` : id };
  }
}

function classify(value: string, known: KnownIds, hint?: EvidenceLink["kind"]): EvidenceLink {
  const text = value.trim();
  if (hint && hint !== "text") return link(hint, text);
  const prefixed = PREFIX.exec(text);
  if (prefixed?.[1] && prefixed[2]) {
    const key = prefixed[1].toLowerCase().replace(/[-_ ]/g, "");
    const kind = KEY_KINDS[key] ?? (key.startsWith("learning") ? "learning" : "text");
    return link(kind, prefixed[2]);
  }
  if (known.sessions.has(text)) return link("session", text);
  if (known.learnings.has(text)) return link("learning", text);
  if (TOOL_NAME.test(text) && text.includes("_")) return link("tool", text);
  return link("text", text);
}

function collect(
  value: unknown,
  known: KnownIds,
  hint: EvidenceLink["kind"] | undefined,
  out: EvidenceLink[],
) {
  if (typeof value === "string") {
    if (value.trim()) out.push(classify(value, known, hint));
  } else if (typeof value === "number") {
    out.push(link("text", String(value)));
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, known, hint, out);
  } else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const kind = KEY_KINDS[key.toLowerCase().replace(/[-_ ]/g, "")];
      collect(inner, known, kind ?? hint, out);
    }
  }
}

/** The links an opportunity's free-form evidence points at: sessions, tools, learnings, hypotheses… */
export function evidenceLinks(evidence: unknown, known: KnownIds): EvidenceLink[] {
  const out: EvidenceLink[] = [];
  collect(evidence, known, undefined, out);
  const seen = new Set<string>();
  return out.filter((l) => {
    const key = `${l.kind}:${l.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
