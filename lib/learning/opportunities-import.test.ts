import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { GET as exportRoute } from "@/app/api/opportunities/export/route";
import { POST as importRoute } from "@/app/api/opportunities/import/route";
import { db } from "@/lib/db/client";
import { fromMarkdown } from "./opportunities-md";
import type { OpportunityImport, OpportunityImportPlan } from "./views";

/** The import route as a person uses it: preview (nothing written), then confirm that exact plan. */

const TOKEN = "unit-test-token-0123456789abcdef0123";
const BMO = readFileSync(path.join(import.meta.dirname, "fixtures", "bmo-opportunities.md"), "utf8");
const TITLES = fromMarkdown(BMO).cards.map((c) => c.fields.title);

async function post(body: unknown): Promise<Response> {
  const request = new Request("http://127.0.0.1:3000/api/opportunities/import", {
    method: "POST",
    headers: { host: "127.0.0.1:3000", authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return importRoute(request, { params: Promise.resolve({}) });
}

const mine = () => db().opportunity.findMany({ where: { title: { in: TITLES } }, orderBy: { title: "asc" } });

beforeEach(async () => {
  // the board is shared with other test files: touch only this file's cards
  await db().opportunity.deleteMany({ where: { title: { in: TITLES } } });
});

describe("POST /api/opportunities/import", () => {
  it("previews bmo's file without writing, then imports exactly that plan", async () => {
    const previewed = await post({ markdown: BMO, preview: true });
    expect(previewed.status).toBe(200);
    const plan = (await previewed.json()) as OpportunityImportPlan;
    expect(plan.counts).toEqual({ create: 10, update: 0, unchanged: 0, unread: 4, errors: 0 });
    expect(await mine()).toEqual([]);

    const confirmed = await post({ markdown: BMO, planId: plan.planId });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()) as OpportunityImport).toMatchObject({ created: 10, updated: 0 });
    const cards = await mine();
    expect(cards.map((c) => [c.title, c.status])).toContainEqual(["Rewrite the prompt in YAML", "dropped"]);
    expect(cards.find((c) => c.title === "Rewrite the prompt in YAML")?.dropReason).toBe(
      "No measurable gain; harder to diff.",
    );
    expect(cards.filter((c) => c.status === "done").map((c) => c.title)).toEqual([
      "Cache the dependency install",
      "Diff summary tool",
    ]);
  });

  it("refuses a plan the board has moved away from, and writes nothing", async () => {
    const plan = (await (await post({ markdown: BMO, preview: true })).json()) as OpportunityImportPlan;
    await db().opportunity.create({ data: { title: "Diff summary tool", status: "todo", position: 1 } });
    const stale = await post({ markdown: BMO, planId: plan.planId });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(
      /preview the import again/,
    );
    expect((await mine()).map((c) => c.title)).toEqual(["Diff summary tool"]);
  });

  it.each([
    ["no plan at all", { markdown: BMO }],
    ["a made-up plan id", { markdown: BMO, planId: "0".repeat(64) }],
  ])("writes nothing for %s", async (_label, body) => {
    const response = await post(body);
    expect([409, 422]).toContain(response.status);
    expect(await mine()).toEqual([]);
  });

  it("export → import changes nothing: every card comes back unchanged", async () => {
    const plan = (await (await post({ markdown: BMO, preview: true })).json()) as OpportunityImportPlan;
    await post({ markdown: BMO, planId: plan.planId });
    const before = await mine();
    const exported = await (
      await exportRoute(
        new Request("http://127.0.0.1:3000/api/opportunities/export", {
          headers: { host: "127.0.0.1:3000", authorization: `Bearer ${TOKEN}` },
        }),
        { params: Promise.resolve({}) },
      )
    ).text();
    const again = (await (await post({ markdown: exported, preview: true })).json()) as OpportunityImportPlan;
    const ours = again.cards.filter((c) => TITLES.includes(c.title));
    expect(ours).toHaveLength(10);
    expect(ours.map((c) => [c.title, c.action]).sort()).toEqual(TITLES.map((t) => [t, "unchanged"]).sort());
    expect(again.unread).toEqual([]);
    expect(await mine()).toEqual(before);
  });
});
