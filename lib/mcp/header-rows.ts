import type { z } from "zod";
import { headerSecretsSchema } from "@/lib/db/schemas/mcp";

/**
 * The header rows of the Settings form. A stored header's value never reaches the browser: its row
 * shows the name with the value masked, and is kept as it is unless a new value replaces it.
 * The rows are checked with the API's own schema, so the form refuses exactly what the API would.
 */
export interface HeaderRow {
  name: string;
  /** The new value; empty on a stored row that is kept. */
  value: string;
  /** The row stands for a header stored on the server (its value unknown here). */
  stored: boolean;
  /** A stored row whose value is being replaced by `value`. */
  replace: boolean;
}

export type HeaderChange =
  | { ok: true; headers: Record<string, string>; keepHeaders: string[] }
  | { ok: false; error: string };

export function storedRows(names: readonly string[]): HeaderRow[] {
  return names.map((name) => ({ name, value: "", stored: true, replace: false }));
}

/** What the rows ask of the API: new and replaced values, and the stored headers kept as they are. */
export function headerChange(rows: readonly HeaderRow[]): HeaderChange {
  const headers: Record<string, string> = {};
  const keepHeaders: string[] = [];
  const keys = new Set<string>();
  for (const row of rows) {
    const name = row.stored ? row.name : row.name.trim();
    if (!name) return { ok: false, error: "Every header needs a name." };
    if (keys.has(name.toLowerCase()))
      return { ok: false, error: `${name} appears twice (header names ignore case).` };
    keys.add(name.toLowerCase());
    if (row.stored && !row.replace) {
      keepHeaders.push(name);
      continue;
    }
    if (!row.value) return { ok: false, error: `${name} needs a value.` };
    headers[name] = row.value;
  }
  // values of kept headers are not known here; a placeholder stands in for them in the check
  const parsed = headerSecretsSchema.safeParse({
    ...Object.fromEntries(keepHeaders.map((k) => [k, "kept"])),
    ...headers,
  });
  if (!parsed.success) {
    return { ok: false, error: headerIssue(parsed.error) };
  }
  return { ok: true, headers, keepHeaders };
}

/** The first problem with headers, named by header: a bad name carries its rule's message inside. */
export function headerIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${String(issue.path.at(-1))}: ` : "";
  const message = issue?.code === "invalid_key" ? issue.issues[0]?.message : issue?.message;
  return `${where}${message ?? "not valid"}`;
}
