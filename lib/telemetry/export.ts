/**
 * CSV and JSON for the telemetry export. CSV follows RFC 4180 (quotes doubled, fields with commas,
 * quotes or line breaks quoted). Command lines and inputs are recorded verbatim, so a cell a
 * spreadsheet could run as a formula gets a leading apostrophe (see `formulaRisk`), and a cell with
 * `;`, a tab or `|` is quoted too, so a spreadsheet that splits on one of those keeps it whole.
 */

export type Cell = string | number | boolean | null | undefined;

/**
 * A formula trigger (= + - @, and a tab or carriage return, which some spreadsheets skip) at the
 * start, after spaces; or = + - @ right after a character a spreadsheet may split cells at (the
 * comma of CSV, the semicolon of some locales, a tab, a pipe, a line break).
 */
const FORMULA = /^ *[=+\-@\t\r]|[,;\t|\r\n] *[=+\-@]/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const QUOTE = /[",;\t|\r\n]/;

/**
 * Whether a spreadsheet could read part of `text` as a formula: it starts with a trigger (after
 * spaces), or one follows a separator-like character (`a;=cmd…` is two cells where `;` splits).
 * A plain number (`-3`, `+1.5e3`) is a number, not a formula.
 */
export function formulaRisk(text: string): boolean {
  return !NUMBER.test(text) && FORMULA.test(text);
}

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && formulaRisk(text)) text = `'${text}`;
  return QUOTE.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly Cell[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

export function toCsv(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return csvLine(columns) + rows.map(csvLine).join("");
}

export interface Pages<Row, Cursor> {
  format: "csv" | "json";
  columns: readonly string[];
  cells: (row: Row) => Cell[];
  /** The JSON body's key: `{"<key>": [rows…]}`. */
  key: string;
  /** One page after `cursor` (undefined: the first), and the cursor after it (undefined: the end). */
  page: (cursor: Cursor | undefined) => Promise<{ rows: readonly Row[]; next: Cursor | undefined }>;
}

/** A download read in keyset pages, one per pull, so memory stays flat however many rows there are. */
export function pagedStream<Row, Cursor>(pages: Pages<Row, Cursor>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const csv = pages.format === "csv";
  let cursor: Cursor | undefined;
  let first = true;
  let done = false;
  return new ReadableStream({
    async pull(controller) {
      if (done) return;
      if (first) controller.enqueue(encoder.encode(csv ? csvLine(pages.columns) : `{"${pages.key}":[\n`));
      const { rows, next } = await pages.page(cursor);
      let chunk = "";
      for (const row of rows) {
        chunk += csv ? csvLine(pages.cells(row)) : `${first ? "" : ",\n"}${JSON.stringify(row)}`;
        first = false;
      }
      first = false;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      if (next === undefined) {
        if (!csv) controller.enqueue(encoder.encode("\n]}\n"));
        controller.close();
        done = true;
        return;
      }
      cursor = next;
    },
  });
}
