import { readFileSync } from "node:fs";
import path from "node:path";
import { bearer, expect, test } from "./support/fixtures";

/**
 * Importing bmo's OPPORTUNITIES.md as a person does: paste it, see what will be created and what
 * could not be read with nothing written yet, then import exactly that; importing the board's own
 * export afterwards changes nothing.
 */

const BMO = readFileSync(
  path.resolve(import.meta.dirname, "../lib/learning/fixtures/bmo-opportunities.md"),
  "utf8",
);

test("OPPORTUNITIES.md in bmo's shape: preview, nothing written, confirm, then its export re-imports unchanged", async ({
  authed: page,
  request,
}) => {
  const titles = async () => {
    const body = (await (await request.get("/api/opportunities", { headers: bearer })).json()) as {
      opportunities: Array<{ title: string }>;
    };
    return body.opportunities.map((o) => o.title);
  };
  expect(await titles()).not.toContain("Diff summary tool");

  await page.goto("/opportunities");
  await page.getByTestId("import-opportunities").click();
  const dialog = page.getByTestId("import-dialog");
  await dialog.getByTestId("import-markdown").fill(BMO);
  await dialog.getByTestId("import-submit").click();

  const preview = dialog.getByTestId("import-preview");
  await expect(preview.getByTestId("import-preview-counts")).toContainText("10 to create");
  await expect(preview.getByTestId("import-preview-counts")).toContainText("4 not read");
  await expect(preview.getByTestId("import-preview-counts")).toContainText("nothing written yet");
  const cards = preview.getByTestId("import-preview-card");
  await expect(cards).toHaveCount(10);
  await expect(cards.filter({ hasText: "Diff summary tool" })).toContainText("Done");
  await expect(cards.filter({ hasText: "Kill stray watchers" })).toContainText("line 35");
  await expect(cards.filter({ hasText: "Auto-format on save" })).toContainText("the file gives no reason");
  await expect(preview.getByTestId("import-preview-unread")).toContainText("| Metric");
  await expect(preview.getByTestId("import-preview-unread")).toContainText("Shell failures cluster");
  // the section headings are not cards
  await expect(cards.filter({ hasText: /Key Findings|Usage Targets|New Opportunity/ })).toHaveCount(0);
  expect(await titles()).not.toContain("Diff summary tool");

  await dialog.getByTestId("import-confirm").click();
  await expect(dialog.getByTestId("import-result")).toContainText("10 created");
  await page.keyboard.press("Escape");
  await expect(
    page.getByTestId("column-done").getByTestId("opportunity-card").filter({ hasText: "Diff summary tool" }),
  ).toHaveCount(1);
  await expect(
    page
      .getByTestId("column-dropped")
      .getByTestId("opportunity-card")
      .filter({ hasText: "Rewrite the prompt in YAML" }),
  ).toHaveCount(1);

  // the board's own export, imported again: every card is already there as written
  const exported = await (await request.get("/api/opportunities/export", { headers: bearer })).text();
  await page.getByTestId("import-opportunities").click();
  await dialog.getByTestId("import-markdown").fill(exported);
  await dialog.getByTestId("import-submit").click();
  await expect(preview.getByTestId("import-preview-counts")).toContainText("0 to create");
  await expect(preview.getByTestId("import-preview-counts")).toContainText("0 to update");
  await expect(dialog.getByTestId("import-confirm")).toBeDisabled();
  await expect(dialog.getByTestId("import-confirm")).toHaveText("Nothing to import");
});
