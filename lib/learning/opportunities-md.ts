import { z } from "zod";
import type { OpportunityFields as StoredFields } from "@/lib/db/queries/opportunities";

/**
 * OPPORTUNITIES.md, so the backlog can live in git. Ratchet writes:
 *
 *   # Opportunities
 *
 *   ### Cache the test database between runs
 *   - Status: todo
 *   - Impact: H
 *   - Effort: S
 *   - What: first line
 *     a second line of the same value
 *   - Why: …
 *   - Success criteria: …
 *
 * and reads that back unchanged. It also reads bmo's file as bmo keeps it: a card is a heading (any
 * level) followed by field lines, or a list item with indented field lines under it; headings with
 * no fields (`## Done`, `### Key Findings`) are sections, and a section named for a status gives its
 * cards that status when they do not say one. Labels may be bold (`- **Status**: done (2026-02-03)`),
 * several fields may share a line (`- **Impact**: High | **Effort**: S`). Everything outside a card
 * is reported as not read; fields Ratchet has no place for are kept in the card's What.
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

/** Labels read besides Ratchet's own: bmo's and the usual synonyms. */
const ALIASES: Record<string, keyof OpportunityFields> = {
  reason: "dropReason",
  "drop reason": "dropReason",
  "dropped because": "dropReason",
  "success criterion": "successCriteria",
  success: "successCriteria",
  description: "what",
};

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** A value's later lines are indented under the field, so a multi-line value reads back as written. */
function fieldValue(value: string): string {
  const [first = "", ...rest] = value.split("\n");
  return [first, ...rest.map((line) => (line.trim() ? `  ${line}` : ""))].join("\n");
}

export function toMarkdown(items: OpportunityFields[]): string {
  const blocks = items.map((item) => {
    const lines = [`### ${oneLine(item.title)}`];
    for (const [key, label] of LABELS) {
      const value = item[key];
      if (value === undefined || value === null || value === "") continue;
      lines.push(`- ${label}: ${fieldValue(String(value))}`);
    }
    return lines.join("\n");
  });
  return `# Opportunities\n\n${blocks.join("\n\n")}\n`;
}

const STATUS_WORDS: Record<string, OpportunityFields["status"]> = {
  todo: "todo",
  "to do": "todo",
  open: "todo",
  planned: "todo",
  "in progress": "in_progress",
  in_progress: "in_progress",
  doing: "in_progress",
  started: "in_progress",
  done: "done",
  complete: "done",
  completed: "done",
  shipped: "done",
  dropped: "dropped",
  deferred: "dropped",
  "won't do": "dropped",
  wontfix: "dropped",
  rejected: "dropped",
};

/** `done (2026-02-03)`, `todo (ongoing)`, `Done ✅`: the status word, then what it says besides. */
function readStatus(value: string): { status: OpportunityFields["status"] | null; rest: string } {
  // a status is a few words: the pattern below only ever sees a short string
  const m = /^\s*([A-Za-z_' ]+?)\s*(?:[(—–:;,-]\s*(.*?)\)?\s*)?$/.exec(
    value.slice(0, 200).replace(/[^\p{L}\p{N}\s_'()—–:;,./-]/gu, ""),
  );
  const word = (m?.[1] ?? value).trim().toLowerCase().replace(/\s+/g, " ");
  return { status: STATUS_WORDS[word] ?? null, rest: (m?.[2] ?? "").trim() };
}

const LEVEL_WORDS: Record<string, string> = {
  h: "H",
  high: "H",
  m: "M",
  med: "M",
  medium: "M",
  l: "L",
  low: "L",
  s: "S",
  small: "S",
  large: "L",
};

function readLevel(value: string, allowed: readonly string[]): string | null {
  const word = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z].*$/, "");
  const level = LEVEL_WORDS[word];
  return level && allowed.includes(level) ? level : null;
}

/** A status a section heading stands for (`## Done`, `## Dropped/Deferred`), or null. */
function sectionStatus(title: string): OpportunityFields["status"] | null {
  const first =
    title
      .toLowerCase()
      .split(/[/&,]| and /)[0]
      ?.trim() ?? "";
  return STATUS_WORDS[first] ?? null;
}

export interface ImportedCard {
  /** 1-based line where the card starts. */
  line: number;
  fields: OpportunityFields;
  /** Which fields the file spelled out (the rest are defaults): an update changes only these. */
  present: Array<keyof OpportunityFields>;
  /** What was read differently from how it is written, said for the preview. */
  notes: string[];
}

export interface UnreadBlock {
  line: number;
  /** The block's first line, shortened. */
  text: string;
  lines: number;
}

export interface ImportResult {
  cards: ImportedCard[];
  /** Text outside any card (section intros, tables, findings), in blocks. */
  unread: UnreadBlock[];
  /** Cards that could not be made (an empty or over-long title), with their line. */
  errors: Array<{ line: number; message: string }>;
}

type Line =
  | { kind: "heading"; level: number; text: string }
  | { kind: "fields"; indent: number; fields: Array<[string, string]> }
  | { kind: "bullet"; indent: number; text: string }
  | { kind: "rule" }
  | { kind: "blank" }
  | { kind: "text"; indent: number; text: string };

/**
 * A field line's label and value. The label is short and bounded, and no two quantifiers can trade
 * the same characters: every pattern here runs in linear time on a hostile 512 KiB line.
 */
const FIELD = /^\*{0,2}([A-Za-z][A-Za-z '/]{0,40}?)\*{0,2}[ \t]*:(.*)$/;

function field(text: string): [string, string] | null {
  const m = FIELD.exec(text.trimStart());
  if (!m?.[1] || m[2] === undefined) return null;
  // `**Status:** done`: the bold closes after the colon; the value is trimmed once it is whole
  return [m[1].trim().toLowerCase(), m[2].replace(/^\*{1,2}/, "")];
}

/** `**Impact**: High | **Effort**: S` → two fields; a `|` that does not start a field stays in the value. */
function readFields(text: string): Array<[string, string]> | null {
  const [head = "", ...rest] = text.split("|");
  const first = field(head);
  if (!first) return null;
  // each field's value as pieces, joined once at the end
  const fields: Array<[string, string[]]> = [[first[0], [first[1]]]];
  for (const piece of rest) {
    const next = field(piece);
    if (next) fields.push([next[0], [next[1]]]);
    else fields[fields.length - 1]?.[1].push(piece);
  }
  return fields.map(([label, pieces]) => [label, pieces.join("|").trim()]);
}

/** `## Title ##` → "Title"; a closing run of #s needs a space before it, so "Support C#" keeps its #. */
function headingText(text: string): string {
  const trimmed = text.trim();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === "#") end--;
  const bare = trimmed.slice(0, end);
  if (bare === trimmed) return trimmed;
  return bare === "" || /\s$/.test(bare) ? bare.trim() : trimmed;
}

function classify(raw: string): Line {
  if (!raw.trim()) return { kind: "blank" };
  if (/^ {0,3}(?:-{3,}|\*{3,}|_{3,})[ \t]*$/.test(raw)) return { kind: "rule" };
  const heading = /^ {0,3}(#{1,6})[ \t]+(.*)$/.exec(raw);
  if (heading?.[1] && heading[2] !== undefined)
    return { kind: "heading", level: heading[1].length, text: headingText(heading[2]) };
  const indent = raw.length - raw.trimStart().length;
  const bullet = /^\s*[-*+]\s+(.*)$/.exec(raw);
  if (bullet?.[1] !== undefined) {
    const fields = readFields(bullet[1]);
    return fields ? { kind: "fields", indent, fields } : { kind: "bullet", indent, text: bullet[1] };
  }
  return { kind: "text", indent, text: raw.trim() };
}

function labelOf(label: string): string {
  return label.replace(/^./, (c) => c.toUpperCase());
}

function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Draft {
  line: number;
  title: string;
  /** Where the card's own field lines are; lines indented past it continue a value. */
  indent: number;
  raw: Partial<Record<keyof OpportunityFields, string>>;
  extras: string[];
  /** The value later lines continue: a field, or an entry of `extras`. */
  last: { key: keyof OpportunityFields } | { extra: number } | null;
  section: OpportunityFields["status"] | null;
}

function indentOf(raw: string): number {
  return raw.length - raw.trimStart().length;
}

/** Reads OPPORTUNITIES.md, Ratchet's or bmo's; pure, so the preview and the import read alike. */
export function fromMarkdown(text: string): ImportResult {
  const rawLines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const lines = rawLines.map(classify);
  const cards: ImportedCard[] = [];
  const unread: UnreadBlock[] = [];
  const errors: ImportResult["errors"] = [];
  const keyOf = new Map<string, keyof OpportunityFields>([
    ...LABELS.map(([key, label]): [string, keyof OpportunityFields] => [label.toLowerCase(), key]),
    ...Object.entries(ALIASES),
  ]);
  const known = (fields: Array<[string, string]>) => fields.some(([label]) => keyOf.has(label));
  let section: { level: number; status: OpportunityFields["status"] } | null = null;
  let heading: { line: number; text: string } | null = null;
  let card: Draft | null = null;
  let blanks = 0;
  let block: UnreadBlock | null = null;

  const skip = (i: number, shown: string) => {
    if (block && block.line + block.lines + blanks === i + 1) block.lines += blanks + 1;
    else {
      block = { line: i + 1, text: clip(shown), lines: 1 };
      unread.push(block);
    }
  };
  const finish = () => {
    if (card) cards.push(...build(card, errors));
    card = null;
  };
  const start = (line: number, title: string, indent: number): Draft => {
    finish();
    heading = null;
    const draft: Draft = {
      line,
      title,
      indent,
      raw: {},
      extras: [],
      last: null,
      section: section?.status ?? null,
    };
    card = draft;
    return draft;
  };
  const addField = (draft: Draft, label: string, value: string) => {
    const key = keyOf.get(label);
    if (key && draft.raw[key] === undefined) {
      draft.raw[key] = value;
      draft.last = { key };
    } else {
      draft.extras.push(`${labelOf(label)}: ${value}`);
      draft.last = { extra: draft.extras.length - 1 };
    }
  };
  /** Appends a line to the value being written, keeping the blank lines between. */
  const extend = (draft: Draft, line: string) => {
    const gap = "\n".repeat(blanks + 1);
    const last = draft.last;
    if (last && "key" in last) draft.raw[last.key] = `${draft.raw[last.key] ?? ""}${gap}${line}`;
    else if (last) draft.extras[last.extra] = `${draft.extras[last.extra]}${gap}${line}`;
    else {
      draft.extras.push(line);
      draft.last = { extra: draft.extras.length - 1 };
    }
  };
  /** A list item whose next non-blank line is an indented field line is a card of its own. */
  const opensCard = (i: number, indent: number) => {
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j];
      if (next?.kind === "blank") continue;
      return next?.kind === "fields" && next.indent > indent && known(next.fields);
    }
    return false;
  };

  lines.forEach((line, i) => {
    if (line.kind === "blank") {
      blanks++;
      return;
    }
    const raw = rawLines[i] ?? "";
    const current = card as Draft | null;
    // deeper than the card's fields: the value goes on (a list, a table, a heading-looking line)
    if (
      current &&
      indentOf(raw) >= current.indent + 2 &&
      !(line.kind === "bullet" && opensCard(i, line.indent))
    ) {
      extend(current, raw.slice(current.indent + 2));
    } else if (line.kind === "heading") {
      finish();
      if (section && line.level <= section.level) section = null;
      const status = sectionStatus(line.text);
      if (status) section = { level: line.level, status };
      heading = { line: i + 1, text: line.text };
    } else if (line.kind === "rule") {
      finish();
      heading = null;
    } else if (line.kind === "fields" && current && line.indent >= current.indent) {
      for (const [label, value] of line.fields) addField(current, label, value);
    } else if (line.kind === "fields" && heading && !current && line.indent === 0 && known(line.fields)) {
      const draft = start(heading.line, heading.text, 0);
      for (const [label, value] of line.fields) addField(draft, label, value);
    } else if (line.kind === "bullet" && opensCard(i, line.indent)) {
      start(i + 1, line.text, line.indent + 2);
    } else if (current && line.kind === "text" && blanks === 0 && current.last) {
      // a lazy continuation: the next line of the value, not indented
      extend(current, line.text);
    } else if (current && current.indent === 0) {
      // free text in a heading's card is the card's, as its own paragraph
      current.last = null;
      extend(current, raw.trimEnd());
    } else {
      if (current && indentOf(raw) < current.indent) finish();
      skip(i, line.kind === "fields" ? raw.trim() : raw.trim());
    }
    blanks = 0;
  });
  finish();
  return { cards, unread, errors };
}

function build(draft: Draft, errors: ImportResult["errors"]): ImportedCard[] {
  const notes: string[] = [];
  const raw = draft.raw;
  const present = new Set<keyof OpportunityFields>(
    Object.keys(raw).filter((k) => k !== "title") as Array<keyof OpportunityFields>,
  );
  const fields: Record<string, unknown> = { title: oneLine(draft.title.replace(/^\*\*(.*)\*\*$/, "$1")) };
  if (raw.what !== undefined) fields.what = raw.what;
  if (raw.why !== undefined) fields.why = raw.why;
  if (raw.successCriteria !== undefined) fields.successCriteria = raw.successCriteria;
  if (raw.dropReason !== undefined) fields.dropReason = raw.dropReason;
  if (raw.status !== undefined) {
    const { status, rest } = readStatus(raw.status);
    if (status) {
      fields.status = status;
      if (rest) draft.extras.unshift(`Status: ${raw.status}`);
    } else {
      fields.status = draft.section ?? "todo";
      notes.push(`Status "${clip(raw.status, 40)}" is not a status Ratchet knows: read as ${fields.status}.`);
    }
  } else if (draft.section) {
    fields.status = draft.section;
    present.add("status");
    notes.push(`No Status line: ${draft.section}, from the section it is in.`);
  }
  for (const [key, allowed] of [
    ["impact", ["H", "M", "L"]],
    ["effort", ["S", "M", "L"]],
  ] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    const level = readLevel(value, allowed);
    if (level) fields[key] = level;
    else {
      present.delete(key);
      notes.push(`${labelOf(key)} "${clip(value, 40)}" is not ${allowed.join("/")}: left at M.`);
    }
  }
  if (draft.extras.length) {
    fields.what = [fields.what, ...draft.extras].filter((t) => typeof t === "string" && t).join("\n\n");
    present.add("what");
    notes.push(`Kept in What: ${draft.extras.map((e) => e.split(":")[0]?.split("\n")[0] ?? "").join(", ")}.`);
  }
  if (fields.status === "dropped" && !fields.dropReason) notes.push("Dropped, but the file gives no reason.");
  const parsed = opportunityFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    errors.push({ line: draft.line, message: z.prettifyError(parsed.error) });
    return [];
  }
  return [{ line: draft.line, fields: parsed.data, present: [...present], notes }];
}
