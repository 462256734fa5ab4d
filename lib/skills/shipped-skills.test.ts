import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanSkills } from "./catalog";
import { matchTriggers } from "./suggest";

const shipped = path.resolve(import.meta.dirname, "../../skills");

describe("the shipped skills", () => {
  it("are all valid, described and triggered", async () => {
    const { skills, ignored } = await scanSkills(shipped);
    expect(ignored).toEqual([]);
    expect(skills.map((s) => s.name)).toEqual([
      "build-it-now",
      "explore-codebase",
      "reflection-template",
      "safe-file-editing",
    ]);
    for (const skill of skills) {
      if (!skill.parsed.ok) throw new Error(`${skill.name}: ${skill.parsed.error.message}`);
      expect(skill.format).toBe("folder");
      expect(skill.parsed.skill.description.length).toBeGreaterThan(80);
      expect(skill.parsed.skill.triggers.length).toBeGreaterThan(3);
      expect(skill.parsed.skill.body.length).toBeGreaterThan(500);
    }
  });

  it.each([
    ["Can you refactor the auth module?", "safe-file-editing"],
    ["I just cloned this repo, how does this work?", "explore-codebase"],
    ["The build keeps failing with the same error", "build-it-now"],
    ["Let's do a quick retro on this session", "reflection-template"],
  ])("%j suggests %s", async (message, skill) => {
    const { skills } = await scanSkills(shipped);
    const summaries = skills.flatMap((s) =>
      s.parsed.ok ? [{ name: s.name, triggers: s.parsed.skill.triggers }] : [],
    );
    expect(matchTriggers(message, summaries).map((m) => m.skill)).toContain(skill);
  });
});
