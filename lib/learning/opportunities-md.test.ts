import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type BoardCard, planImport } from "./opportunities-import";
import { fromMarkdown, type OpportunityFields, toMarkdown } from "./opportunities-md";

/** Our own file in the shape of bmo's docs/OPPORTUNITIES.md (sections, bold labels, dated lists). */
const BMO = readFileSync(path.join(import.meta.dirname, "fixtures", "bmo-opportunities.md"), "utf8");

describe("bmo's OPPORTUNITIES.md", () => {
  const { cards, unread, errors } = fromMarkdown(BMO);
  const card = (title: string) => cards.find((c) => c.fields.title === title);

  it("reads its cards and nothing else as cards: section headings are sections", () => {
    expect(errors).toEqual([]);
    expect(cards.map((c) => [c.line, c.fields.title, c.fields.status])).toEqual([
      [10, "Diff summary tool", "done"],
      [17, "Cache the dependency install", "done"],
      [27, "Port checker for dev servers", "todo"],
      [35, "Kill stray watchers", "todo"],
      [41, "Split long test runs", "todo"],
      [63, "Rewrite the prompt in YAML", "dropped"],
      [68, "Auto-format on save", "dropped"],
      [75, "Capture corrections as learning events", "todo"],
      [80, "Shorter reflections", "todo"],
      [95, "Path suggestions on ENOENT", "todo"],
    ]);
  });

  it("reads `- **Status**: done (date)` as done and keeps the date", () => {
    expect(card("Diff summary tool")?.fields).toMatchObject({ status: "done", impact: "H", effort: "S" });
    expect(card("Diff summary tool")?.fields.what).toContain("Status: done (2026-01-28)");
  });

  it("reads `- **Impact**: High | **Effort**: S` on one line as both fields", () => {
    expect(card("Port checker for dev servers")?.fields).toMatchObject({ impact: "M", effort: "S" });
    expect(card("Cache the dependency install")?.fields).toMatchObject({ impact: "M", effort: "M" });
  });

  it("takes a card's status from its section when it has no Status line, and says so", () => {
    expect(card("Cache the dependency install")?.notes).toEqual([
      "No Status line: done, from the section it is in.",
    ]);
  });

  it("reads a #### item as its own card, not part of the one above", () => {
    expect(card("Kill stray watchers")?.fields.what).toBe(
      "List and stop file watchers left over from earlier sessions.",
    );
    expect(card("Port checker for dev servers")?.fields.what).not.toContain("watchers");
  });

  it("reads a dropped card's Reason, and notes one that gives none", () => {
    expect(card("Rewrite the prompt in YAML")?.fields.dropReason).toBe("No measurable gain; harder to diff.");
    expect(card("Auto-format on save")?.notes).toContain("Dropped, but the file gives no reason.");
  });

  it("reads a dated list of items with indented fields as cards", () => {
    expect(card("Capture corrections as learning events")?.fields).toMatchObject({
      what: "When the user corrects a path or command, log it before moving on.",
      why: "Only 2 corrections were logged in 15 sessions.",
      successCriteria: "≥1 logged correction in sessions that have one.",
    });
  });

  it("keeps fields Ratchet has no place for in What, and says which", () => {
    expect(card("Split long test runs")?.fields.what).toBe(
      "Run the failing file first, then the rest.\n\nStatus: todo (ongoing)\n\nProgress: Skill drafted; not yet loaded in a session.\n\nNote: Maybe fold into the testing skill instead.",
    );
    expect(card("Split long test runs")?.notes).toEqual(["Kept in What: Status, Progress, Note."]);
  });

  it("reports the text outside any card as not read, in blocks", () => {
    expect(unread.map((u) => [u.line, u.lines])).toEqual([
      [3, 2],
      [54, 4],
      [88, 4],
      [104, 1],
    ]);
    expect(unread[1]?.text).toMatch(/^\| Metric +\| Now +\| Target \|$/);
  });
});

it("reads the same cards when fields follow their heading directly, as bmo writes them", () => {
  // Biome formats the fixture with a blank line after each heading; bmo's own file has none
  const tight = BMO.replace(/^(#{1,6} .*)\n\n/gm, "$1\n");
  expect(tight).not.toBe(BMO);
  const strip = (r: ReturnType<typeof fromMarkdown>) => ({
    cards: r.cards.map((c) => ({ ...c, line: 0 })),
    unread: r.unread.map((u) => ({ ...u, line: 0 })),
    errors: r.errors,
  });
  expect(strip(fromMarkdown(tight))).toEqual(strip(fromMarkdown(BMO)));
});

const OURS: OpportunityFields[] = [
  {
    title: "Support C# projects",
    what: "Detect .csproj files | or .sln.\nRun dotnet test.\n\n- a list in the value\n  - nested\n# not a heading",
    why: "Two users asked.",
    successCriteria: "",
    impact: "H",
    effort: "L",
    status: "in_progress",
  },
  {
    title: "Old idea",
    what: "",
    why: "",
    successCriteria: "",
    impact: "L",
    effort: "S",
    status: "dropped",
    dropReason: "Covered by the working memory.\nSee pass 3.",
  },
  { title: "Plain", what: "x", why: "", successCriteria: "y", impact: "M", effort: "M", status: "done" },
  { title: "Next", what: "", why: "", successCriteria: "", impact: "M", effort: "M", status: "todo" },
];

describe("round trip", () => {
  it("export → import gives the same cards, multi-line values and all", () => {
    const again = fromMarkdown(toMarkdown(OURS));
    expect(again.errors).toEqual([]);
    expect(again.unread).toEqual([]);
    expect(again.cards.map((c) => c.fields)).toEqual(OURS);
    expect(again.cards.flatMap((c) => c.notes)).toEqual([]);
  });

  it("import → export → import of bmo's file changes nothing more", () => {
    const first = fromMarkdown(BMO).cards.map((c) => c.fields);
    const markdown = toMarkdown(first);
    expect(fromMarkdown(markdown).cards.map((c) => c.fields)).toEqual(first);
    expect(toMarkdown(fromMarkdown(markdown).cards.map((c) => c.fields))).toBe(markdown);
  });
});

describe("planImport", () => {
  const board = (fields: Partial<OpportunityFields> & { title: string }): BoardCard => ({
    id: `id-${fields.title}`,
    what: "",
    why: "",
    successCriteria: "",
    impact: "M",
    effort: "M",
    status: "todo",
    dropReason: null,
    ...fields,
  });
  const file = `### Known card\n- Status: done\n- Impact: H\n\n### Same as board\n- Status: todo\n\n### New card\n- Status: todo\n- What: fresh\n\n### known CARD\n- Status: dropped\n\n### \n- Status: todo\n`;

  it("says what will be created, updated (only the fields the file gives), left alone and skipped", () => {
    const plan = planImport(fromMarkdown(file), [
      board({ title: "Known card", what: "kept" }),
      board({ title: "Same as board" }),
    ]);
    expect(plan.cards.map((c) => [c.title, c.action, c.fields])).toEqual([
      ["Known card", "update", { status: "done", impact: "H" }],
      ["Same as board", "unchanged", {}],
      ["New card", "create", expect.objectContaining({ title: "New card", what: "fresh" })],
    ]);
    expect(plan.errors.map((e) => e.line)).toEqual([12, 15]);
    expect(plan.errors[0]?.message).toMatch(/Same title as the card on line 1/);
    expect(plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, unread: 0, errors: 2 });
  });

  it("names the plan, so a confirm after the board changed is refused", () => {
    const parsed = fromMarkdown(file);
    const before = planImport(parsed, [board({ title: "Known card" })]);
    expect(planImport(parsed, [board({ title: "Known card" })]).planId).toBe(before.planId);
    expect(planImport(parsed, [board({ title: "Known card", status: "done", impact: "H" })]).planId).not.toBe(
      before.planId,
    );
    expect(planImport(parsed, []).planId).not.toBe(before.planId);
  });
});

describe("hostile input", () => {
  it.each([
    ["a field label followed by spaces and no colon", `### t\n- a${" ".repeat(200_000)}x\n`],
    ["a long run of pipes and spaces", `### t\n- Status: todo ${"| ".repeat(100_000)}\n`],
    ["a heading full of spaces and #s", `## a${" ".repeat(100_000)}#${"#".repeat(100_000)}x\n`],
    ["a status of spaces", `### t\n- Status: a${" ".repeat(200_000)}5\n`],
  ])("reads %s in linear time", (_label, text) => {
    const started = performance.now();
    fromMarkdown(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("keeps C# in a title and drops a closing run of #s", () => {
    const { cards } = fromMarkdown("### Support C#\n- Status: todo\n\n## Closed ##\n- Status: done\n");
    expect(cards.map((c) => c.fields.title)).toEqual(["Support C#", "Closed"]);
  });
});
