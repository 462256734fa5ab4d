import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { createMessage } from "@/lib/db/queries/messages";
import { createSession } from "@/lib/db/queries/sessions";
import { listSkills } from "@/lib/skills/catalog";
import { matchTriggers } from "@/lib/skills/suggest";
import { skillList } from "@/lib/skills/views";
import type { ToolContext } from "@/lib/tools/types";
import { loadSkill } from "./load-skill";

/**
 * `disable-model-invocation: true` as the Agent Skills ecosystem means it: the skill is for people.
 * It is listed on the Skills page, never in the prompt's list nor suggested, and load_skill loads
 * it only when the user named it.
 */

const skill = (name: string, front: string, body: string) =>
  `---\nname: ${name}\ndescription: ${name} does a thing.\n${front}\n---\n${body}\n`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-invocation-"));
  process.env.RATCHET_SKILLS_DIR = dir;
  for (const [name, text] of [
    [
      "release-notes",
      skill(
        "release-notes",
        "disable-model-invocation: true\ntriggers: [release]\nallowed-tools: run_command safe_read",
        "PEOPLE-ONLY BODY",
      ),
    ],
    ["tidy-imports", skill("tidy-imports", "triggers: [imports]", "MODEL BODY")],
    ["from-elsewhere", skill("from-elsewhere", "triggers:\n  on_commit: [lint]\nversion: 2", "OTHER BODY")],
  ] as const) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "SKILL.md"), text);
  }
});

async function contextFor(userText: string | null): Promise<ToolContext> {
  const session = await createSession({ title: "skills", workspace: dir, budgetUsd: null, model: "m" });
  if (userText)
    await createMessage({ sessionId: session.id, role: "user", parts: [{ type: "text", text: userText }] });
  return {
    sessionId: session.id,
    turnId: "turn-1",
    callId: "call-1",
    workspace: dir,
    signal: new AbortController().signal,
    secrets: [],
    emit: async () => {},
    trackProcess: async () => {},
    untrackProcess: async () => {},
    reload: async () => "",
  };
}

describe("disable-model-invocation", () => {
  it("keeps the skill out of what the model is offered, and out of suggestions", async () => {
    const offered = await listSkills();
    expect(offered.map((s) => s.name)).toEqual(["from-elsewhere", "tidy-imports"]);
    expect(matchTriggers("cut a release and tidy the imports", offered).map((m) => m.skill)).toEqual([
      "tidy-imports",
    ]);
  });

  it("lists it for people, with its allowed tools, and keeps other-shaped keys with warnings", async () => {
    const { skills } = await skillList();
    const people = skills.find((s) => s.name === "release-notes");
    expect(people).toMatchObject({
      valid: true,
      modelInvocable: false,
      allowedTools: ["run_command", "safe_read"],
    });
    const other = skills.find((s) => s.name === "from-elsewhere");
    expect(other).toMatchObject({ valid: true, modelInvocable: true, triggers: [] });
    expect(other?.warnings.map((w) => w.message).join("\n")).toMatch(/triggers.*mapping[\s\S]*`version`/);
  });

  it.each([
    ["the user never named it", null],
    ["the user only said something close", "write the release note please"],
  ])("load_skill refuses when %s", async (_label, text) => {
    const outcome = await loadSkill.execute({ name: "release-notes" }, await contextFor(text));
    expect(outcome.output).toMatch(/only when the user asks for it by name/);
    expect(outcome.output).not.toContain("PEOPLE-ONLY BODY");
  });

  it.each([
    ["by name", "Use release-notes for v2.3"],
    ["as a slash command", "/release-notes"],
  ])("load_skill loads it when the user names it %s", async (_label, text) => {
    const outcome = await loadSkill.execute({ name: "release-notes" }, await contextFor(text));
    expect(outcome.output).toContain("PEOPLE-ONLY BODY");
  });

  it("load_skill still loads a model-invocable skill without being asked", async () => {
    const outcome = await loadSkill.execute({ name: "tidy-imports" }, await contextFor(null));
    expect(outcome.output).toContain("MODEL BODY");
  });
});
