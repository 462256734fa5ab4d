import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import type { EvaluationList } from "@/lib/evaluation/views";
import { E2E } from "./support/constants";
import { expect, send, terminalText, test } from "./support/fixtures";

/**
 * Evaluate before you approve (issue 19), against the built app, the real sandbox and the scripted
 * model. A person's session counts TODOs by hand and runs the check; once it fails and is then
 * claimed to pass. The agent proposes find_todos. On the approval card a person starts an
 * evaluation: 3 recorded turns replayed twice in each arm. The scripted agent uses the tool when
 * it is offered (`[[instead: …]]`, e2e/support/fake-llm.ts) and works by hand when not, so the
 * candidate needs fewer steps; the harness runs the check itself, so the turn that only claims
 * success scores as failed in both arms; and one turn's commands try to read the database and write
 * into the data dir, which the replay's sandbox refuses (else the check, which demands an empty
 * leaked.txt, would fail, and a probe file would appear).
 */

const RUN = randomBytes(4).toString("hex");
const TOOL = `find_todos_${RUN}`;
const PROBE = path.join(E2E.dataDir, `evaluation-probe-${RUN}`);

const SOURCE = `import { readdirSync, readFileSync } from "node:fs";
export const description = "Counts the TODO comments in the files of a folder.";
export const schema = { type: "object", properties: { dir: { type: "string" } }, required: ["dir"], additionalProperties: false };
export const capabilities = { filesystem: "project" };
export const examples = [{ args: { dir: "src" }, files: { "src/a.js": "// TODO one\\n// TODO two\\n" }, expect: { ok: true, result: 2 } }];
export async function run({ dir }) {
  let n = 0;
  for (const f of readdirSync(dir)) n += (readFileSync(dir + "/" + f, "utf8").match(/TODO/g) || []).length;
  return { ok: true, result: n };
}
`;

function proposeDirective(): string {
  const args = JSON.stringify({
    name: TOOL,
    source: SOURCE,
    reason: "I count TODOs with grep by hand every time",
  });
  if (args.includes("]]")) throw new Error("tool source must not contain ]]");
  return `[[tool: propose_tool ${args}]]`;
}

const INSTEAD = `[[instead: 2 ${TOOL} {"dir": "src"}]]`;
const BY_HAND = "[[cmd: grep -rn TODO src]] [[cmd: grep -c TODO src/a.js]]";

async function turn(page: Page, text: string, marker: string) {
  await send(page, `${text} [[text: ${marker}]]`);
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain(marker);
  await expect(page.getByTestId("session-status")).toHaveText("idle");
}

test("an evaluation replays recorded turns with and without a proposed tool and shows the figures on its card", async ({
  authed: page,
}) => {
  test.setTimeout(420_000);
  const workspace = path.join(E2E.workspace, `evaluation-${RUN}`);
  mkdirSync(path.join(workspace, "src"), { recursive: true });
  writeFileSync(path.join(workspace, "src", "a.js"), "// TODO one\n// TODO two\n");
  // the check: the work is done, and nothing was read out of Ratchet's data
  writeFileSync(path.join(workspace, "Makefile"), "check:\n\ttest -f done.txt\n\ttest ! -s leaked.txt\n");
  const created = await page.request.post("/api/sessions", {
    data: { title: "todo counting", workspace },
    headers: { origin: E2E.baseUrl },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/sessions/${id}`);
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  // the record: a claim without the work, then TODOs counted by hand twice, once with a probe
  await turn(page, "Make the check pass. [[cmd: make check]]", "All checks pass now.");
  await turn(
    page,
    `Count the TODOs, then make the check pass. ${BY_HAND} [[cmd: touch done.txt]] [[cmd: make check]] ${INSTEAD}`,
    "T1 counted",
  );
  const probe = `cat ${E2E.dataDir}/* > leaked.txt; ls ${E2E.dataDir}; touch ${PROBE}`;
  await turn(
    page,
    `Count the TODOs again. ${BY_HAND} [[cmd: ${probe}]] [[cmd: touch done.txt]] [[cmd: make check]] ${INSTEAD}`,
    "T2 counted",
  );
  await turn(page, proposeDirective(), "Proposed.");

  // the approval card: the estimate, then a person starts the evaluation
  await page.goto(`/tools?name=${TOOL}`);
  const card = page.getByTestId("evaluation-card");
  await expect(card.getByTestId("evaluation-estimate")).toContainText("12 replays");
  await expect(card.getByTestId("evaluation-start")).toHaveText("Evaluate on 3 recorded turns");
  await card.getByTestId("evaluation-start").click();
  await expect(card.getByTestId("evaluation-status")).toContainText("3 cases × 2 repeats");
  // candidate: 2 + 4 + 5 steps; baseline: 2 + 5 + 6; the claim without the work fails in both arms
  await expect(card.getByTestId("evaluation-figures")).toHaveText(
    new RegExp(
      `^with ${TOOL}: 3\\.7 steps vs 4\\.3, tokens [−+]?\\d+ %, verifications 4/6 vs 4/6, within noise: no$`,
    ),
    { timeout: 300_000 },
  );
  await expect(card.getByTestId("evaluation-status")).toContainText("Finished · 12/12 replays");

  // what the harness recorded: the claimed success failed its own run of the check
  const sha = await page
    .getByText(/^[0-9a-f]{64}$/)
    .first()
    .textContent();
  const listed = await page.request.get(`/api/evaluations?tool=${TOOL}&sha256=${sha}`);
  const { evaluations } = (await listed.json()) as EvaluationList;
  const [evaluation] = evaluations;
  expect(evaluation?.cases).toHaveLength(3);
  const claimed = evaluation?.cases.find((c) => c.message.startsWith("Make the check pass."));
  expect(claimed?.runs.map((r) => r.passed)).toEqual([false, false, false, false]);
  // the probe could neither read the database (the check demands an empty leaked.txt) nor write there
  const probed = evaluation?.cases.find((c) => c.message.startsWith("Count the TODOs again."));
  expect(probed?.runs.map((r) => r.passed)).toEqual([true, true, true, true]);
  expect(existsSync(PROBE)).toBe(false);
});
