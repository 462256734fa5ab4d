/**
 * CSV and JSON for the telemetry export. CSV follows RFC 4180 (quotes doubled, fields with commas,
 * quotes or line breaks quoted); a cell that a spreadsheet would run as a formula (=, +, -, @ first)
 * gets a leading apostrophe, since command lines and inputs are recorded verbatim.
 */

export type Cell = string | number | boolean | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
