import { z } from "zod";
import type { OpportunityFields as StoredFields } from "@/lib/db/queries/opportunities";

/**
 * OPPORTUNITIES.md in bmo's shape, so the backlog can live in git:
 *
 *   # Opportunities
 *
 *   ### Cache the test database between runs
 *   - Status: todo
 *   - Impact: H
 *   - Effort: S
 *   - What: …
 *   - Why: …
 *   - Success criteria: …
 *
 * Unknown lines are ignored on import; fields may be in any order.
 */

export const opportunityFieldsSchema = z.object({
  title: z.string().trim().min(1).max(200),
  what: z.string().max(4000).default(""),
  why: z.string().max(4000).default(""),
  successCriteria: z.string().max(4000).default(""),
  impact: z.enum(["H", "M", "L"]).default("M"),
  effort: z.enum(["S", "M", "L"]).default("M"),
  status: z.enum(["todo", "in_progress", "done", "dropped"]).default("todo"),
  dropReason: z.string().max(2000).nullable().optional(),
}) satisfies z.ZodType<StoredFields>;
export type OpportunityFields = z.infer<typeof opportunityFieldsSchema>;

const LABELS: Array<[keyof OpportunityFields, string]> = [
  ["status", "Status"],
  ["impact", "Impact"],
  ["effort", "Effort"],
  ["what", "What"],
  ["why", "Why"],
  ["successCriteria", "Success criteria"],
  ["dropReason", "Dropped because"],
];

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

export function toMarkdown(items: OpportunityFields[]): string {
  const blocks = items.map((item) => {
    const lines = [`### ${oneLine(item.title)}`];
    for (const [key, label] of LABELS) {
      const value = item[key];
      if (value === undefined || value === null || value === "") continue;
      lines.push(`- ${label}: ${oneLine(String(value))}`);
    }
    return lines.join("\n");
  });
  return `# Opportunities\n\n${blocks.join("\n\n")}\n`;
}

const STATUS_WORDS: Record<string, OpportunityFields["status"]> = {
  todo: "todo",
  open: "todo",
  "in progress": "in_progress",
  in_progress: "in_progress",
  doing: "in_progress",
  done: "done",
  complete: "done",
  completed: "done",
  dropped: "dropped",
  "won't do": "dropped",
  wontfix: "dropped",
};

function level(value: string): string {
  const v = value.trim().toUpperCase();
  if (v.startsWith("H")) return "H";
  if (v.startsWith("L")) return "L";
  if (v.startsWith("S")) return "S";
  return "M";
}

export interface ImportResult {
  items: OpportunityFields[];
  /** Which fields each item actually spelled out (the rest are defaults), parallel to `items`. */
  present: Array<Array<keyof OpportunityFields>>;
  errors: Array<{ line: number; message: string }>;
}

export function fromMarkdown(text: string): ImportResult {
  const items: OpportunityFields[] = [];
  const present: ImportResult["present"] = [];
  const errors: ImportResult["errors"] = [];
  let current: { line: number; raw: Record<string, string> } | null = null;
  const flush = () => {
    if (!current) return;
    const { line, raw } = current;
    const parsed = opportunityFieldsSchema.safeParse({
      ...raw,
      ...(raw.status ? { status: STATUS_WORDS[raw.status.toLowerCase()] ?? "todo" } : {}),
      ...(raw.impact ? { impact: level(raw.impact) } : {}),
      ...(raw.effort ? { effort: level(raw.effort) } : {}),
    });
    if (parsed.success) {
      items.push(parsed.data);
      present.push(Object.keys(raw) as Array<keyof OpportunityFields>);
    } else errors.push({ line, message: z.prettifyError(parsed.error) });
    current = null;
  };
  const keyOf = new Map(LABELS.map(([key, label]) => [label.toLowerCase(), key]));
  text.split(/\r?\n/).forEach((raw, i) => {
    const heading = /^#{2,3}\s+(.+?)\s*$/.exec(raw);
    if (heading?.[1] && !/^findings\b/i.test(heading[1])) {
      flush();
      current = { line: i + 1, raw: { title: heading[1] } };
      return;
    }
    const field = /^\s*[-*]\s*\*{0,2}([A-Za-z ']+?)\*{0,2}\s*:\s*(.*)$/.exec(raw);
    if (current && field?.[1] && field[2] !== undefined) {
      const key = keyOf.get(field[1].trim().toLowerCase());
      if (key) current.raw[key] = field[2].trim();
    }
  });
  flush();
  return { items, present, errors };
}
