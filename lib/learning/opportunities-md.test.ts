import { expect, it } from "vitest";
import { fromMarkdown, toMarkdown } from "./opportunities-md";

const bmo = `# OPPORTUNITIES

## Cache the test database
- **Status**: todo
- **Impact**: High
- **Effort**: S
- **What**: Reuse the migrated SQLite file between test runs.
- **Why**: Every run spends 4 s migrating.
- **Success criteria**: unit tests start in under 1 s.

### Findings (pass 3)
| a | b |

### Drop the old grep tool
- Status: won't do
- Impact: L
- Effort: M
`;

it("reads bmo's OPPORTUNITIES.md", () => {
  const { items, errors } = fromMarkdown(bmo);
  expect(errors).toEqual([]);
  expect(items).toEqual([
    expect.objectContaining({
      title: "Cache the test database",
      status: "todo",
      impact: "H",
      effort: "S",
      successCriteria: "unit tests start in under 1 s.",
    }),
    expect.objectContaining({ title: "Drop the old grep tool", status: "dropped", impact: "L", effort: "M" }),
  ]);
});

it("round-trips through its own export", () => {
  const { items } = fromMarkdown(bmo);
  const again = fromMarkdown(toMarkdown(items));
  expect(again.items).toEqual(items);
});
