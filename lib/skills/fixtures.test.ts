import path from "node:path";
import { describe, expect, it } from "vitest";
import { listSkills, scanSkills } from "./catalog";

/**
 * Skills as other tools write them (lib/skills/fixtures, our own files of each shape) are read as
 * the Agent Skills spec says: valid, with what Ratchet ignored said as warnings.
 */

const FIXTURES = path.join(import.meta.dirname, "fixtures");

describe("skills from other ecosystems", () => {
  it.each<
    [string, { modelInvocable: boolean; allowedTools: string[]; triggers: string[]; warnings: RegExp[] }]
  >([
    [
      "spreadsheet-audit",
      { modelInvocable: true, allowedTools: ["run_command", "safe_read"], triggers: [], warnings: [] },
    ],
    [
      "ship-release",
      {
        modelInvocable: false,
        allowedTools: ["Bash(git tag:*)", "Bash(git push:*)", "Read"],
        triggers: [],
        warnings: [/`argument-hint` is not a key Ratchet uses/],
      },
    ],
    [
      "sql-review",
      {
        modelInvocable: true,
        allowedTools: [],
        triggers: [],
        warnings: [/`triggers` is a mapping/, /`tags` is not a key/, /`version` is not a key/],
      },
    ],
    [
      "flat-debugging",
      {
        modelInvocable: true,
        allowedTools: [],
        triggers: ["error", "bug", "broken", "not working", "stack trace"],
        warnings: [],
      },
    ],
  ])("%s", async (name, expected) => {
    const { skills } = await scanSkills(FIXTURES);
    const entry = skills.find((s) => s.name === name);
    if (!entry?.parsed.ok) throw new Error(`${name} is not valid: ${JSON.stringify(entry?.parsed)}`);
    const { skill } = entry.parsed;
    expect({
      modelInvocable: skill.modelInvocable,
      allowedTools: skill.allowedTools,
      triggers: skill.triggers,
    }).toEqual({
      modelInvocable: expected.modelInvocable,
      allowedTools: expected.allowedTools,
      triggers: expected.triggers,
    });
    expect(skill.warnings).toHaveLength(expected.warnings.length);
    for (const [i, pattern] of expected.warnings.entries())
      expect(skill.warnings[i]?.message).toMatch(pattern);
  });

  it("offers the model every one of them but the one for people only", async () => {
    expect((await listSkills(FIXTURES)).map((s) => s.name)).toEqual([
      "flat-debugging",
      "spreadsheet-audit",
      "sql-review",
    ]);
  });
});
