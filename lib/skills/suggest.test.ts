import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { loadSkill } from "@/lib/agent/tools/load-skill";
import { db } from "@/lib/db/client";
import { createSession, startTurn } from "@/lib/db/queries/sessions";
import type { ToolContext } from "@/lib/tools/types";
import { matchTriggers, suggestSkills, triggerPattern } from "./suggest";
import { skillList } from "./views";

const SKILLS = [
  { name: "safe-file-editing", triggers: ["edit", "refactor", "rename file"] },
  { name: "explore-codebase", triggers: ["unfamiliar", "new repo", "where is"] },
  { name: "cpp", triggers: ["c++", "node.js"] },
  { name: "none", triggers: [] },
];

describe("matchTriggers", () => {
  it.each([
    ["Please edit the config", [["safe-file-editing", "edit"]]],
    ["EDIT it", [["safe-file-editing", "edit"]]],
    ["edit.", [["safe-file-editing", "edit"]]],
    ["(edit)", [["safe-file-editing", "edit"]]],
    ["credit card", []],
    ["edited yesterday", []],
    ["editing", []],
    ["rename\n  file foo.ts", [["safe-file-editing", "rename file"]]],
    ["rename the file", []],
    ["I'm in a new repo; where is main?", [["explore-codebase", "new repo"]]],
    [
      "where is the bug? then refactor it",
      [
        ["explore-codebase", "where is"],
        ["safe-file-editing", "refactor"],
      ],
    ],
    [
      "refactor where is used",
      [
        ["safe-file-editing", "refactor"],
        ["explore-codebase", "where is"],
      ],
    ],
    ["port it to C++ please", [["cpp", "c++"]]],
    ["uses node.js", [["cpp", "node.js"]]],
    ["uses nodexjs", []],
    ["café edit", [["safe-file-editing", "edit"]]],
    ["éedit", []],
    ["", []],
    ["   ", []],
  ])("%j → %j", (text, expected) => {
    expect(matchTriggers(text, SKILLS).map((m) => [m.skill, m.trigger])).toEqual(expected);
  });

  it("reports the earliest trigger of a skill, and caps the number of suggestions", () => {
    expect(matchTriggers("refactor then edit", SKILLS)[0]?.trigger).toBe("refactor");
    const many = Array.from({ length: 5 }, (_, i) => ({ name: `s${i}`, triggers: ["go"] }));
    expect(matchTriggers("go", many).map((m) => m.skill)).toEqual(["s0", "s1", "s2"]);
  });

  it("escapes regex characters in triggers", () => {
    expect(triggerPattern("a.b").test("axb")).toBe(false);
    expect(triggerPattern("(x)").test("call (x) now")).toBe(true);
  });
});

const MINE = ["safe-file-editing", "broken"];

describe("suggestSkills and load_skill", () => {
  let sessionId: string;
  let turnId: string;
  let dir: string;

  beforeEach(async () => {
    // Other test files share the database: touch only this file's skills.
    await db().skillVersion.deleteMany({ where: { name: { in: MINE } } });
    await db().skillLoad.deleteMany({ where: { skill: { in: MINE } } });
    dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-skills-"));
    process.env.RATCHET_SKILLS_DIR = dir;
    mkdirSync(path.join(dir, "safe-file-editing", "scripts"), { recursive: true });
    writeFileSync(
      path.join(dir, "safe-file-editing", "SKILL.md"),
      "---\nname: safe-file-editing\ndescription: Edit safely.\ntriggers:\n  - edit\n  - refactor\n---\n\n# Steps\nCheck git status first.\n",
    );
    writeFileSync(path.join(dir, "safe-file-editing", "scripts", "check.sh"), "git status\n");
    writeFileSync(path.join(dir, "broken.md"), "---\nname: broken\ndescription: [oops\n---\nbody\n");
    const session = await createSession({ title: "t", workspace: dir, budgetUsd: null, model: "m" });
    sessionId = session.id;
    turnId = (await startTurn(sessionId)).id;
  });

  it("returns a prompt block and records the suggestion", async () => {
    const block = await suggestSkills(sessionId, turnId, "Can you refactor utils.ts?");
    expect(block).toBe(
      `## Skills for this message\nThe user's message matches skill safe-file-editing (trigger "refactor"): load it with load_skill before you start.`,
    );
    const rows = await db().skillLoad.findMany({
      where: { skill: { in: MINE } },
      select: { skill: true, kind: true, trigger: true, turnId: true },
    });
    expect(rows).toEqual([{ skill: "safe-file-editing", kind: "suggested", trigger: "refactor", turnId }]);
    expect(await suggestSkills(sessionId, turnId, "what time is it?")).toBeNull();
    expect(await db().skillLoad.count({ where: { skill: { in: MINE } } })).toBe(1);
  });

  it("still suggests when recording fails (an unknown session)", async () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await suggestSkills("no-such-session", "t", "edit it")).toMatch(/safe-file-editing/);
    expect(quiet).toHaveBeenCalledWith("[ratchet] could not record skill suggestions", expect.anything());
    quiet.mockRestore();
  });

  const ctx = (): ToolContext => ({
    sessionId,
    turnId,
    callId: "c1",
    workspace: dir,
    signal: new AbortController().signal,
    secrets: [],
    emit: async () => {},
    trackProcess: async () => {},
    untrackProcess: async () => {},
    reload: async () => "",
  });

  it("load_skill returns the body, lists other files, and records the load", async () => {
    await suggestSkills(sessionId, turnId, "edit it");
    const out = await loadSkill.execute({ name: "Safe-File-Editing" }, ctx());
    expect(out.state).toBe("completed");
    expect(out.output.startsWith("# Steps\nCheck git status first.")).toBe(true);
    expect(out.output).not.toContain("description:");
    expect(out.output).toContain(
      `Other files in this skill's folder (${path.join(dir, "safe-file-editing")})`,
    );
    expect(out.output).toContain("- scripts/check.sh (11 B)");
    const loads = await db().skillLoad.findMany({ where: { kind: "loaded", skill: { in: MINE } } });
    expect(loads).toMatchObject([{ skill: "safe-file-editing", sessionId, turnId }]);

    const { skills } = await skillList();
    expect(skills.find((s) => s.name === "safe-file-editing")).toMatchObject({
      loads30d: 1,
      suggested30d: 1,
      followed30d: 1,
      unusedSessions: false,
    });
    expect(skills.find((s) => s.name === "broken")).toMatchObject({ valid: false, error: { line: 3 } });
  });

  it("load_skill explains an unknown or broken skill", async () => {
    const unknown = await loadSkill.execute({ name: "nope" }, ctx());
    expect(unknown.output).toBe(`No skill named "nope". Available skills: safe-file-editing.`);
    const broken = await loadSkill.execute({ name: "broken" }, ctx());
    expect(broken.output).toMatch(/^Skill broken has invalid front matter \(line 3: /);
    expect(broken.output).toContain("description: [oops");
  });

  it("flags a skill none of the last 10 agent sessions loaded", async () => {
    await skillList(); // first seen now, so not flagged yet
    const fresh = (await skillList()).skills.find((s) => s.name === "safe-file-editing");
    expect(fresh?.unusedSessions).toBe(false);
    await db().skillVersion.updateMany({
      where: { name: { in: MINE } },
      data: { createdAt: new Date(Date.now() - 86_400_000) },
    });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await createSession({ title: `s${i}`, workspace: dir, budgetUsd: null, model: "m" })).id);
    }
    const after = (await skillList()).skills.find((s) => s.name === "safe-file-editing");
    expect(after?.unusedSessions).toBe(true);
    await db().skillLoad.create({
      data: { skill: "safe-file-editing", kind: "loaded", sessionId: ids.at(-1) },
    });
    expect((await skillList()).skills.find((s) => s.name === "safe-file-editing")?.unusedSessions).toBe(
      false,
    );
  });
});
