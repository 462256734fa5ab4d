import { describe, expect, it } from "vitest";
import { parseSkill, skillTemplate, withName } from "./parse";

const skill = (front: string, body = "# Body\n") => `---\n${front}\n---\n${body}`;

function errorOf(text: string, name?: string) {
  const result = parseSkill(text, { name });
  if (result.ok) throw new Error("expected a parse error");
  return result.error;
}

describe("parseSkill", () => {
  it("reads name, description, triggers, other keys and the body", () => {
    const result = parseSkill(
      skill(
        "name: tidy\ndescription: Keep things tidy.\ntriggers: [clean up, tidy]\nlicense: MIT\nmetadata:\n  author: me",
      ),
      { name: "tidy" },
    );
    expect(result).toEqual({
      ok: true,
      skill: {
        name: "tidy",
        description: "Keep things tidy.",
        triggers: ["clean up", "tidy"],
        modelInvocable: true,
        allowedTools: [],
        warnings: [],
        frontMatter: {
          name: "tidy",
          description: "Keep things tidy.",
          triggers: ["clean up", "tidy"],
          license: "MIT",
          metadata: { author: "me" },
        },
        body: "# Body\n",
        bodyLine: 9,
      },
    });
  });

  it("reads multi-line YAML lists and folded descriptions (what bmo's parser lost)", () => {
    const result = parseSkill(
      skill(
        "name: multi\ndescription: >\n  Spans two\n  lines.\ntriggers:\n  - first one\n  - second\n  - 'third: quoted'",
      ),
    );
    expect(result.ok && result.skill.description).toBe("Spans two lines.");
    expect(result.ok && result.skill.triggers).toEqual(["first one", "second", "third: quoted"]);
  });

  it("treats a triggers string as a comma-separated list", () => {
    const result = parseSkill(skill("name: s\ndescription: d\ntriggers: refactor, rename file ,  ,move"));
    expect(result.ok && result.skill.triggers).toEqual(["refactor", "rename file", "move"]);
  });

  it("keeps CRLF files and a BOM", () => {
    const result = parseSkill("\uFEFF---\r\nname: crlf\r\ndescription: Windows.\r\n---\r\nBody\r\n");
    expect(result.ok && result.skill.description).toBe("Windows.");
    expect(result.ok && result.skill.body).toBe("Body\r\n");
  });

  it.each([
    ["no front matter", "# Just markdown\n", 1, /must start with front matter/],
    ["unclosed front matter", "---\nname: x\ndescription: y\n", 1, /never closed/],
    ["empty front matter", "---\n---\nbody", 1, /empty/],
    ["a YAML list instead of keys", skill("- a\n- b"), 2, /key: value/],
    ["an unclosed flow list", skill("name: x\ndescription: y\ntriggers: [a, b"), 4, /not valid YAML/],
    ["an unclosed list followed by a key", skill("name: x\ndescription: [oops\ntriggers: [a]"), 3, /closed/],
    [
      "an unquoted colon",
      skill("name: x\ndescription: How to: deploy\ntriggers: [a b]"),
      3,
      /must be quoted/,
    ],
    ["a tab indent", skill("name: x\n\tdescription: y"), 3, /spaces, not tabs/],
    ["a duplicate key", skill("name: x\ndescription: y\nname: z"), 4, /unique/],
    ["an unterminated quote", skill('name: x\ndescription: "oops'), 3, /not valid YAML/],
    ["a bad indent", skill("name: x\ndescription: y\ntriggers:\n  - a\n - b"), 6, /not valid YAML/],
    ["a missing name", skill("description: y"), 1, /Missing `name:`/],
    ["a missing description", skill("name: x"), 1, /Missing `description:`/],
    ["a numeric name", skill("name: 123\ndescription: y"), 2, /quote it/],
    ["an invalid name", skill("name: Bad Name\ndescription: y"), 2, /not a valid skill name/],
    ["a description that is a list", skill("name: x\ndescription:\n  - a"), 4, /must be a string/],
    ["a one-letter trigger", skill("name: x\ndescription: y\ntriggers: [a]"), 4, /too short/],
    [
      "a name ending in a dash (spec)",
      skill("name: tidy-\ndescription: y"),
      2,
      /ending with a letter or digit/,
    ],
    ["a name with two dashes in a row (spec)", skill("name: a--b\ndescription: y"), 2, /single dashes/],
    ["a name over 64 characters (spec)", skill(`name: ${"a".repeat(65)}\ndescription: y`), 2, /at most 64/],
  ])("reports %s with its line", (_label, text, line, message) => {
    const error = errorOf(text);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });

  it("requires the front matter's name to be the skill's name", () => {
    const error = errorOf(skill("name: other\ndescription: d"), "mine");
    expect(error).toMatchObject({ line: 2 });
    expect(error.message).toMatch(/does not match the skill's name `mine`/);
  });

  it("caps the description length", () => {
    expect(errorOf(skill(`name: x\ndescription: ${"a".repeat(1100)}`)).message).toMatch(/under 1024/);
  });

  it("reads a bmo-style flat skill", () => {
    const bmo = `---
name: debugging
description: Systematic debugging when something fails
triggers:
  - error
  - bug
  - "not working"
---

# Debugging

1. Reproduce.
`;
    const result = parseSkill(bmo, { name: "debugging" });
    expect(result.ok && result.skill.triggers).toEqual(["error", "bug", "not working"]);
    expect(result.ok && result.skill.body).toContain("1. Reproduce.");
  });
});

describe("withName", () => {
  it("changes only the name's value", () => {
    const text = skill("# a comment\nname: old   # trailing\ndescription: >\n  kept\n  as is");
    expect(withName(text, "new-name")).toBe(
      skill("# a comment\nname: new-name   # trailing\ndescription: >\n  kept\n  as is"),
    );
  });

  it("adds a missing name and quotes names YAML would read as numbers", () => {
    expect(withName(skill("description: d"), "123")).toBe(skill('name: "123"\ndescription: d'));
    expect(parseSkill(withName(skill("description: d"), "123"), { name: "123" }).ok).toBe(true);
  });

  it("refuses broken front matter", () => {
    expect(() => withName("no front matter", "x")).toThrow(/front matter/);
  });
});

describe("skillTemplate", () => {
  it("is a valid skill", () => {
    const result = parseSkill(skillTemplate("new-skill", 'Says "hi": twice.'), { name: "new-skill" });
    expect(result.ok && result.skill.description).toBe('Says "hi": twice.');
  });
});

describe("Agent Skills keys as the spec says", () => {
  function parsed(front: string) {
    const result = parseSkill(skill(`name: x\ndescription: y\n${front}`));
    if (!result.ok) throw new Error(`expected a valid skill: ${result.error.message}`);
    return result.skill;
  }

  it.each<[string, string, number, RegExp]>([
    [
      "triggers that are a mapping (another tool's events)",
      "triggers:\n  on_open: [a]\n  on_save: [b]",
      5,
      /is a mapping.*ignored/,
    ],
    ["a trigger list with a mapping in it", "triggers:\n  - ok\n  - when: saving", 6, /item 2 is a mapping/],
    ["an unknown key", "version: 1.2.0", 4, /`version` is not a key Ratchet uses: it is kept/],
    ["a license that is a list", "license:\n  - MIT", 5, /`license` should be a string/],
    [
      "compatibility over the spec's 500 characters",
      `compatibility: ${"c".repeat(501)}`,
      4,
      /501 characters.*500/,
    ],
    [
      "metadata with a nested value",
      "metadata:\n  author: me\n  tags: [a, b]",
      5,
      /`metadata` should map names to strings/,
    ],
    [
      "allowed-tools as a mapping",
      "allowed-tools:\n  bash: true",
      5,
      /`allowed-tools` should be a space-separated string/,
    ],
    [
      "disable-model-invocation as a word",
      "disable-model-invocation: sometimes",
      4,
      /should be true or false.*read as false/,
    ],
  ])("keeps the skill and warns about %s", (_label, front, line, message) => {
    const result = parsed(front);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.message).toMatch(message);
    expect(result.warnings[0]?.line).toBe(line);
  });

  it("keeps other-shaped keys in the front matter and ignores them", () => {
    const result = parsed("triggers:\n  on_open: [a]\nhooks:\n  pre: lint");
    expect(result.triggers).toEqual([]);
    expect(result.frontMatter).toMatchObject({ triggers: { on_open: ["a"] }, hooks: { pre: "lint" } });
    expect(result.warnings.map((w) => w.line)).toEqual([5, 7]);
  });

  it.each<[string, string, boolean]>([
    ["absent", "", true],
    ["false", "disable-model-invocation: false", true],
    ["true", "disable-model-invocation: true", false],
    ['the string "true"', 'disable-model-invocation: "true"', false],
  ])("disable-model-invocation %s → model-invocable %s", (_label, front, invocable) => {
    expect(parsed(front).modelInvocable).toBe(invocable);
  });

  it.each<[string, string, string[]]>([
    [
      "the spec's space-separated string",
      "allowed-tools: Read Grep Bash(git status:*)",
      ["Read", "Grep", "Bash(git status:*)"],
    ],
    ["a comma list (Claude Code)", "allowed-tools: Read, Write", ["Read", "Write"]],
    ["a YAML list", "allowed-tools:\n  - run_command\n  - safe_read", ["run_command", "safe_read"]],
  ])("reads allowed-tools as %s", (_label, front, tools) => {
    const result = parsed(front);
    expect(result.allowedTools).toEqual(tools);
    expect(result.warnings).toEqual([]);
  });

  it("reads a spec-valid skill with every optional key and no warnings", () => {
    const result = parsed(
      "license: Apache-2.0\ncompatibility: Needs git and network access\nmetadata:\n  author: example-org\n  version: '1.0'\nallowed-tools: Read\ndisable-model-invocation: false",
    );
    expect(result.warnings).toEqual([]);
  });
});
