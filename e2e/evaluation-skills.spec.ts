import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import type { EvaluationList } from "@/lib/evaluation/views";
import { E2E } from "./support/constants";
import { bearer, expect, send, terminalText, test } from "./support/fixtures";

/**
 * Skill and working-memory versions evaluated from their views. A skill version from its history (issue 19), against the built app, the real sandbox
 * and the scripted model. A person's turn matches the skill's trigger, so it becomes the case; the
 * skill is then edited. On the new version's history entry a person starts an evaluation (1 case,
 * 2 repeats, each arm); each replay takes a few seconds (the recorded turn sleeps), so the card's
 * live progress is seen moving from replay to replay, survives a reload mid-run, and the figures
 * appear when it ends.
 */

const RUN = randomBytes(4).toString("hex");
const SKILL = `tally-${RUN}`;
const TRIGGER = `tally${RUN}`;

const doc = (description: string) =>
  `---\nname: ${SKILL}\ndescription: ${description}\ntriggers: ["${TRIGGER}"]\n---\n\nCount with care.\n`;

async function openVersion(page: Page, version: number) {
  await page.goto(`/skills?name=${SKILL}`);
  await page.getByTestId("skill-history-toggle").click();
  await page.getByTestId(`skill-version-${version}`).click();
}

test("a skill version is evaluated from its history: progress moves replay by replay, then the figures", async ({
  authed: page,
  request,
}) => {
  test.setTimeout(300_000);
  const put = (description: string) =>
    request.put(`/api/skills/${SKILL}`, { headers: bearer, data: { content: doc(description) } });
  expect((await put("Counts things, first version.")).status()).toBe(201);

  const workspace = path.join(E2E.workspace, `evaluation-skill-${RUN}`);
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, "Makefile"), "check:\n\ttest -f done.txt\n");
  const created = await page.request.post("/api/sessions", {
    data: { title: "tally", workspace },
    headers: { origin: E2E.baseUrl },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  // the recorded turn: its message matches the skill's trigger, so it is the case for the skill
  await send(
    page,
    `Do the ${TRIGGER} count. [[cmd: sleep 3]] [[cmd: touch done.txt]] [[cmd: make check]] [[text: Tallied.]]`,
  );
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain("Tallied.");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  expect((await put("Counts things, second version.")).status()).toBe(200);
  await openVersion(page, 2);
  const card = page.getByTestId("evaluation-card");
  await expect(card.getByTestId("evaluation-estimate")).toContainText("4 replays");
  await expect(card.getByTestId("evaluation-start")).toHaveText("Evaluate on 1 recorded turn");
  await card.getByTestId("evaluation-start").click();

  // live progress: which replay runs, moving on
  const status = card.getByTestId("evaluation-status");
  await expect(status).toContainText(/Running · replay 1 of 4: case 1 of 1, baseline, repeat 1 of 2/, {
    timeout: 60_000,
  });
  await expect(card.getByTestId("evaluation-progress")).toBeVisible();
  await expect(status).toContainText(/replay 2 of 4: case 1 of 1, candidate, repeat 1 of 2/, {
    timeout: 60_000,
  });
  // a reload mid-run shows where it is now
  await openVersion(page, 2);
  await expect(status).toContainText(
    /Running · replay [34] of 4: case 1 of 1, (baseline|candidate), repeat 2 of 2/,
    {
      timeout: 60_000,
    },
  );

  await expect(card.getByTestId("evaluation-figures")).toHaveText(
    new RegExp(
      `^with ${SKILL} v2: \\d+\\.\\d steps vs \\d+\\.\\d, tokens [−+]?\\d+ %, verifications 2/2 vs 2/2, within noise: (yes|no)$`,
    ),
    { timeout: 120_000 },
  );
  await expect(status).toContainText("Finished · 4/4 replays");
  await expect(card.getByTestId("evaluation-progress")).toHaveCount(0);
});

test("a working-memory version is evaluated from its view: a workspace chosen, then the figures", async ({
  authed: page,
  request,
}) => {
  test.setTimeout(240_000);
  const workspace = path.join(E2E.workspace, `evaluation-memory-${RUN}`);
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, "Makefile"), "check:\n\ttrue\n");
  const created = await page.request.post("/api/sessions", {
    data: { title: "memory", workspace },
    headers: { origin: E2E.baseUrl },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
  await send(page, "Run the check. [[cmd: make check]] [[text: Checked.]]");
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain("Checked.");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  const memory = ["Preferences", "Pitfalls", "Recurring patterns", "Insights", "Tool notes"]
    .map((s) => `## ${s}\n- ${s} of run ${RUN}`)
    .join("\n\n");
  const saved = await request.put("/api/working-memory", { headers: bearer, data: { content: memory } });
  expect(saved.status()).toBe(201);
  const { version } = (await saved.json()) as { version: number };

  await page.goto("/opportunities");
  await expect(page.getByTestId("working-memory-version")).toHaveText(`v${version}`);
  const card = page.getByTestId("evaluation-card");
  // working memory has no session of its own: the person says whose recorded turns to replay
  await expect(card.getByTestId("evaluation-unavailable")).toContainText("Choose the workspace");
  await card.getByTestId("evaluation-workspace").selectOption(workspace);
  await expect(card.getByTestId("evaluation-start")).toHaveText("Evaluate on 1 recorded turn");
  await card.getByTestId("evaluation-start").click();
  await expect(card.getByTestId("evaluation-figures")).toHaveText(
    new RegExp(
      `^with working memory v${version}: \\d+\\.\\d steps vs \\d+\\.\\d, tokens [−+]?\\d+ %, verifications 2/2 vs 2/2, within noise: (yes|no)$`,
    ),
    { timeout: 120_000 },
  );
  const listed = await request.get(`/api/evaluations?memory=${version}`, { headers: bearer });
  const { evaluations } = (await listed.json()) as EvaluationList;
  expect(evaluations[0]).toMatchObject({
    workspace,
    status: "completed",
    subject: { kind: "memory", version },
  });
});
