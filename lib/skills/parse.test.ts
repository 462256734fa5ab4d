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
    [
      "a trigger that is a mapping",
      skill("name: x\ndescription: y\ntriggers:\n  - ok\n  - a: b"),
      6,
      /Trigger 2/,
    ],
    ["a one-letter trigger", skill("name: x\ndescription: y\ntriggers: [a]"), 4, /too short/],
    [
      "triggers that are a mapping",
      skill("name: x\ndescription: y\ntriggers:\n  a: b"),
      5,
      /string or a list/,
    ],
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
