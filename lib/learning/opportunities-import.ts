import { createHash } from "node:crypto";
import type { ImportResult, OpportunityFields } from "./opportunities-md";

/**
 * What importing an OPPORTUNITIES.md would do to the board, worked out before anything is written:
 * the preview shows it, and the confirm applies it only if it is still exactly this plan.
 */

type Field = keyof OpportunityFields;

export interface PlannedCard {
  /** 1-based line of the card in the file. */
  line: number;
  title: string;
  action: "create" | "update" | "unchanged";
  /** The card's id on the board, for an update or an unchanged card. */
  id: string | null;
  /** A new card's fields, or only the fields an update changes. */
  fields: Partial<OpportunityFields>;
  notes: string[];
}

export interface ImportPlan {
  /** Names this exact plan: the confirm sends it back, and nothing is written if the plan changed. */
  planId: string;
  cards: PlannedCard[];
  unread: ImportResult["unread"];
  errors: ImportResult["errors"];
  counts: { create: number; update: number; unchanged: number; unread: number; errors: number };
}

/** A card as the board has it: the fields an import compares. */
export type BoardCard = { id: string; title: string } & {
  [K in Exclude<Field, "title">]-?: OpportunityFields[K] | null;
};

function same(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

export function planImport(parsed: ImportResult, board: BoardCard[]): ImportPlan {
  const byTitle = new Map(board.map((c) => [c.title.toLowerCase(), c]));
  const seen = new Map<string, number>();
  const errors = [...parsed.errors];
  const cards: PlannedCard[] = [];
  for (const card of parsed.cards) {
    const key = card.fields.title.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({ line: card.line, message: `Same title as the card on line ${earlier}: skipped.` });
      continue;
    }
    seen.set(key, card.line);
    const match = byTitle.get(key);
    if (!match) {
      cards.push({
        line: card.line,
        title: card.fields.title,
        action: "create",
        id: null,
        fields: card.fields,
        notes: card.notes,
      });
      continue;
    }
    // only what the file spells out: a card without "What:" keeps its what
    const changes = Object.fromEntries(
      card.present.filter((f) => !same(card.fields[f], match[f])).map((f) => [f, card.fields[f]]),
    ) as Partial<OpportunityFields>;
    cards.push({
      line: card.line,
      title: match.title,
      action: Object.keys(changes).length ? "update" : "unchanged",
      id: match.id,
      fields: changes,
      notes: card.notes,
    });
  }
  errors.sort((a, b) => a.line - b.line);
  const count = (action: PlannedCard["action"]) => cards.filter((c) => c.action === action).length;
  const body = { cards, unread: parsed.unread, errors };
  return {
    planId: createHash("sha256").update(JSON.stringify(body)).digest("hex"),
    ...body,
    counts: {
      create: count("create"),
      update: count("update"),
      unchanged: count("unchanged"),
      unread: parsed.unread.length,
      errors: errors.length,
    },
  };
}
