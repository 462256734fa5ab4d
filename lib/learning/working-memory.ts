// What a working memory must look like: the maintenance pass's write_working_memory tool and the
// editor's save (PUT /api/working-memory) both apply these rules.

export const WORKING_MEMORY_SECTIONS = [
  "Preferences",
  "Pitfalls",
  "Recurring patterns",
  "Insights",
  "Tool notes",
] as const;
export const WORKING_MEMORY_MAX_LINES = 150;

/** Problems with a working-memory draft, or null: the five sections, at most 150 lines. */
export function workingMemoryProblem(content: string): string | null {
  const lines = content.trim().split("\n");
  if (lines.length > WORKING_MEMORY_MAX_LINES)
    return `working memory has ${lines.length} lines; keep it to ${WORKING_MEMORY_MAX_LINES} (merge, drop what is stale)`;
  const missing = WORKING_MEMORY_SECTIONS.filter(
    (s) => !lines.some((l) => l.trim().toLowerCase() === `## ${s.toLowerCase()}`),
  );
  if (missing.length) return `add the sections as "## Heading" lines: missing ${missing.join(", ")}`;
  return null;
}
