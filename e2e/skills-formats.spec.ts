import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { E2E } from "./support/constants";
import { expect, test } from "./support/fixtures";

/**
 * A skill from another ecosystem, dropped into the skills folder as a person would: spec keys
 * (`allowed-tools`, Claude Code's `disable-model-invocation`), `triggers` in another tool's shape,
 * a key Ratchet does not use. It is listed, valid, marked for people only, and says what it ignored.
 */

test("a skill with other ecosystems' keys is valid, marked for people only, with its allowed tools and warnings", async ({
  authed: page,
}) => {
  const name = `e2e-release-${Date.now().toString(36)}`;
  mkdirSync(path.join(E2E.skillsDir, name), { recursive: true });
  writeFileSync(
    path.join(E2E.skillsDir, name, "SKILL.md"),
    `---\nname: ${name}\ndescription: Write the release notes from the merged pull requests.\nallowed-tools: Read Grep Bash(git log:*)\ndisable-model-invocation: true\ntriggers:\n  on_tag: [release]\nversion: 3\n---\n\n# Release notes\n\nCollect the merged pull requests since the last tag.\n`,
  );

  await page.goto(`/skills?name=${name}`);
  const row = page.getByTestId(`skill-row-${name}`);
  await expect(row.getByTestId("skill-people-only-badge")).toHaveText("people only");
  await expect(row.getByTestId("skill-invalid-badge")).toHaveCount(0);
  await expect(page.getByTestId("skill-title")).toHaveText(name);
  await expect(page.getByTestId("skill-usage")).toContainText("0 loads in 30 days");
  await expect(page.getByTestId("skill-people-only")).toContainText("disable-model-invocation: true");
  const tools = page.getByTestId("skill-allowed-tools");
  await expect(tools).toContainText("Read");
  await expect(tools).toContainText("Bash(git log:*)");
  const warnings = page.getByTestId("skill-warnings");
  await expect(warnings).toContainText("`triggers` is a mapping");
  await expect(warnings).toContainText("`version` is not a key Ratchet uses");
});
