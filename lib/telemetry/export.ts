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
