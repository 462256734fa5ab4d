import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scopeSkills, sessionSkillEntry, sessionSkills } from "./scope";

const doc = (name: string, description: string, triggers: string[] = [], extra = "") =>
  `---\nname: ${name}\ndescription: ${description}\ntriggers: ${JSON.stringify(triggers)}\n${extra}---\nBody of ${description}\n`;

beforeEach(() => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "ratchet-scope-")), "skills");
  mkdirSync(path.join(dir, "testing"), { recursive: true });
  mkdirSync(path.join(dir, "other"), { recursive: true });
  writeFileSync(path.join(dir, "testing", "SKILL.md"), doc("testing", "ON-DISK", ["test"]));
  writeFileSync(path.join(dir, "other", "SKILL.md"), doc("other", "OTHER"));
  process.env.RATCHET_SKILLS_DIR = dir;
});

afterEach(() => {
  for (const id of ["s1", "s2"]) scopeSkills(id, null);
});

describe("a replay session sees one skill as a stored version", () => {
  it("the candidate's content replaces the file in the list, the triggers and load_skill, for that session only", async () => {
    scopeSkills("s1", { name: "testing", content: doc("testing", "CANDIDATE", ["unit test"]) });
    expect(await sessionSkills("s1")).toMatchObject([
      { name: "other", description: "OTHER" },
      { name: "testing", description: "CANDIDATE", triggers: ["unit test"] },
    ]);
    expect((await sessionSkillEntry("s1", "testing"))?.content).toContain("CANDIDATE");
    expect((await sessionSkillEntry("s1", "other"))?.content).toContain("OTHER");
    // another session, and the same one once the override is gone, read the disk
    expect((await sessionSkills("s2")).map((s) => s.description)).toEqual(["OTHER", "ON-DISK"]);
    expect((await sessionSkillEntry("s2", "testing"))?.content).toContain("ON-DISK");
    scopeSkills("s1", null);
    expect((await sessionSkillEntry("s1", "testing"))?.content).toContain("ON-DISK");
  });

  it("a baseline before the skill's first version has no such skill", async () => {
    scopeSkills("s1", { name: "testing", content: null });
    expect((await sessionSkills("s1")).map((s) => s.name)).toEqual(["other"]);
    expect(await sessionSkillEntry("s1", "testing")).toBeNull();
  });

  it("a skill that did not exist on disk appears; one saved under an old name takes the skill's", async () => {
    scopeSkills("s1", { name: "fresh", content: doc("old-name", "FRESH", ["fresh"]) });
    const listed = await sessionSkills("s1");
    expect(listed.map((s) => s.name)).toEqual(["fresh", "other", "testing"]);
    const entry = await sessionSkillEntry("s1", "fresh");
    expect(entry?.parsed.ok).toBe(true);
    expect(entry?.content).toContain("name: fresh");
  });

  it("a version people must ask for by name is not listed for the model, yet load_skill can read it", async () => {
    scopeSkills("s1", {
      name: "testing",
      content: doc("testing", "MANUAL", [], "disable-model-invocation: true\n"),
    });
    expect((await sessionSkills("s1")).map((s) => s.name)).toEqual(["other"]);
    expect((await sessionSkillEntry("s1", "testing"))?.content).toContain("MANUAL");
  });
});
