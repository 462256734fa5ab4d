import { execFileSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { listSkillVersions } from "@/lib/db/queries/skills";
import { ApiError } from "@/lib/errors";
import { listSkills, readSkillEntry, scanSkills, sha256 } from "./catalog";
import { SkillConflictError } from "./errors";
import { skillTemplate } from "./parse";
import { assertSkillName, isInside, writablePaths } from "./paths";
import { deleteSkill, renameSkill, restoreSkill, saveSkill } from "./store";
import { skillDetail, skillList } from "./views";

const MINE = [
  "linked",
  "hardlinked",
  "fifo",
  "to-environ",
  "real-one",
  "alias",
  "inner",
  "fresh",
  "b",
  "s",
  "shipped",
  "r",
  "d",
  "old",
  "new-name",
  "taken",
  "testing",
  "dup",
  "t",
];

let parent: string;
let dir: string;

const doc = (name: string, description = "Does a thing.", body = "Body.\n") =>
  `---\nname: ${name}\ndescription: ${description}\n---\n${body}`;

beforeEach(async () => {
  // Other test files share the database: touch only this file's skills.
  await db().skillVersion.deleteMany({ where: { name: { in: MINE } } });
  await db().skillLoad.deleteMany({ where: { skill: { in: MINE } } });
  parent = mkdtempSync(path.join(os.tmpdir(), "ratchet-skills-"));
  dir = path.join(parent, "skills");
  mkdirSync(dir);
  process.env.RATCHET_SKILLS_DIR = dir;
});

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

/** Every file under the temp parent, so a test can prove nothing was written outside skills/. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

describe("names and containment", () => {
  it.each([
    "..",
    "../evil",
    "%2e%2e",
    "%2e%2e%2fetc",
    "/etc/passwd",
    "a/b",
    "a\\b",
    ".hidden",
    "-dash",
    "UPPER",
    "x".repeat(65),
    "",
    "name.md",
    "a b",
  ])("refuses the name %j", (name) => {
    expect(() => assertSkillName(name)).toThrow(ApiError);
  });

  it.each(["a", "0", "my-skill", "x".repeat(64), "9lives"])("accepts the name %j", (name) => {
    expect(() => assertSkillName(name)).not.toThrow();
  });

  it("compares path components, not string prefixes", () => {
    expect(isInside("/x/skills", "/x/skills/a")).toBe(true);
    expect(isInside("/x/skills", "/x/skills")).toBe(true);
    expect(isInside("/x/skills", "/x/skills-evil/a")).toBe(false);
    expect(isInside("/x/skills", "/x/skills/../skills-evil")).toBe(false);
    expect(isInside("/x/skills", "/etc")).toBe(false);
    expect(isInside("/x/skills", "/x/skills/..a")).toBe(true);
  });

  it("never writes through a symlinked skill folder that points outside", async () => {
    const evil = path.join(parent, "skills-evil");
    mkdirSync(evil);
    writeFileSync(path.join(evil, "SKILL.md"), doc("linked"));
    symlinkSync(evil, path.join(dir, "linked"));
    const before = tree(parent);

    const save = await apiError(saveSkill({ name: "linked", content: doc("linked", "Changed.") }));
    expect(save.code).toBe("forbidden");
    expect(save.message).toMatch(/symbolic link to outside the skills folder/);
    expect((await apiError(deleteSkill("linked"))).code).toBe("forbidden");
    expect((await apiError(renameSkill("linked", "moved"))).code).toBe("forbidden");
    expect(readFileSync(path.join(evil, "SKILL.md"), "utf8")).toBe(doc("linked"));
    expect(tree(parent)).toEqual(before);

    // It is not read either: listed as broken, never loaded.
    const entry = await readSkillEntry("linked");
    expect(entry?.content).toBeNull();
    expect(entry?.parsed.ok).toBe(false);
    expect(await listSkills()).toEqual([]);
  });

  it("never reads a SKILL.md that is a hard link, a FIFO, a link to a secret, or below a linked folder", async () => {
    const secret = path.join(parent, "token");
    writeFileSync(secret, doc("stolen", "TOKEN-abcdef0123456789"));
    const plant: Record<string, (file: string) => void> = {
      hardlinked: (file) => linkSync(secret, file),
      fifo: (file) => execFileSync("mkfifo", [file]),
      "to-environ": (file) => symlinkSync("/proc/self/environ", file),
    };
    for (const [name, make] of Object.entries(plant)) {
      mkdirSync(path.join(dir, name));
      make(path.join(dir, name, "SKILL.md"));
    }
    mkdirSync(path.join(dir, "real-one"));
    writeFileSync(path.join(dir, "real-one", "SKILL.md"), doc("real-one"));
    symlinkSync("real-one", path.join(dir, "alias"));
    for (const name of [...Object.keys(plant), "alias"]) {
      const entry = await readSkillEntry(name);
      expect(entry?.content, name).toBeNull();
      expect(entry?.parsed.ok, name).toBe(false);
      expect(JSON.stringify(entry)).not.toContain("TOKEN-abcdef");
    }
    expect((await listSkills()).map((s) => s.name)).toEqual(["real-one"]);
  });

  it("never writes through a SKILL.md symlink", async () => {
    const outside = path.join(parent, "outside.md");
    writeFileSync(outside, doc("inner"));
    mkdirSync(path.join(dir, "inner"));
    symlinkSync(outside, path.join(dir, "inner", "SKILL.md"));
    expect((await apiError(saveSkill({ name: "inner", content: doc("inner", "New.") }))).code).toBe(
      "forbidden",
    );
    expect(readFileSync(outside, "utf8")).toBe(doc("inner"));
  });

  it("refuses a path that would leave the folder even before touching the disk", async () => {
    const before = tree(parent);
    for (const name of ["../skills-evil", "%2e%2e", "/tmp/x", "..%2f"]) {
      expect((await apiError(saveSkill({ name, content: doc("x") }))).code).toBe("bad_request");
      expect((await apiError(writablePaths(name, dir))).code).toBe("bad_request");
    }
    expect((await apiError(renameSkill("a", "../b"))).code).toBe("bad_request");
    expect(tree(parent)).toEqual(before);
  });
});

describe("saving", () => {
  it("creates skills/<name>/SKILL.md and version 1", async () => {
    const result = await saveSkill({ name: "fresh", content: doc("fresh") });
    expect(result).toEqual({ name: "fresh", created: true, changed: true, version: 1 });
    expect(readFileSync(path.join(dir, "fresh", "SKILL.md"), "utf8")).toBe(doc("fresh"));
    expect(tree(dir)).toEqual(["fresh/SKILL.md"]);
    expect((await listSkillVersions("fresh")).map((v) => [v.version, v.origin])).toEqual([[1, "user"]]);
  });

  it("refuses bad front matter with its line, and oversize files, without writing", async () => {
    const bad = await apiError(saveSkill({ name: "b", content: "---\nname: b\ndescription: [x\n---\n" }));
    expect(bad.code).toBe("unprocessable");
    expect(bad.message).toMatch(/^Line 3: Front matter is not valid YAML/);
    const wrongName = await apiError(saveSkill({ name: "b", content: doc("c") }));
    expect(wrongName.message).toMatch(/^Line 2: .*does not match/);
    const big = await apiError(saveSkill({ name: "b", content: doc("b", "d", "x".repeat(300 * 1024)) }));
    expect(big.code).toBe("payload_too_large");
    expect(big.message).toMatch(/limit is 256 KiB/);
    expect(tree(parent)).toEqual([]);
  });

  it("refuses to overwrite a file that changed on disk since it was opened", async () => {
    await saveSkill({ name: "s", content: doc("s") });
    const opened = sha256(doc("s"));
    writeFileSync(path.join(dir, "s", "SKILL.md"), doc("s", "Edited by hand."));
    const error = await saveSkill({ name: "s", content: doc("s", "Mine."), baseSha256: opened }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(SkillConflictError);
    expect(error.current).toMatchObject({ exists: true, content: doc("s", "Edited by hand.") });
    const body = await (error as SkillConflictError).toResponse().json();
    expect(body.error.code).toBe("conflict");
    expect(body.current.sha256).toBe(sha256(doc("s", "Edited by hand.")));
    expect(readFileSync(path.join(dir, "s", "SKILL.md"), "utf8")).toBe(doc("s", "Edited by hand."));

    // Choosing "keep mine" sends the disk's hash: the hand edit is kept as a version, then replaced.
    await saveSkill({ name: "s", content: doc("s", "Mine."), baseSha256: body.current.sha256 });
    expect((await listSkillVersions("s")).map((v) => [v.version, v.origin])).toEqual([
      [3, "user"],
      [2, "disk"],
      [1, "user"],
    ]);
  });

  it("refuses `create` when the skill exists", async () => {
    await saveSkill({ name: "s", content: doc("s") });
    expect(
      await saveSkill({ name: "s", content: doc("s", "x"), create: true }).catch((e) => e),
    ).toBeInstanceOf(SkillConflictError);
  });

  it("does not add a version when nothing changed", async () => {
    await saveSkill({ name: "s", content: doc("s") });
    expect(await saveSkill({ name: "s", content: doc("s") })).toMatchObject({ changed: false, version: 1 });
  });
});

describe("versions", () => {
  it("records a shipped skill as version 1 the first time it is listed", async () => {
    mkdirSync(path.join(dir, "shipped"));
    writeFileSync(path.join(dir, "shipped", "SKILL.md"), doc("shipped"));
    await skillList();
    await skillList();
    const versions = await listSkillVersions("shipped");
    expect(versions.map((v) => [v.version, v.origin, v.sha256])).toEqual([
      [1, "disk", sha256(doc("shipped"))],
    ]);
  });

  it("restores an earlier version as the newest one and brings back a deleted skill", async () => {
    await saveSkill({ name: "r", content: doc("r", "One.") });
    await saveSkill({ name: "r", content: doc("r", "Two.") });
    const restored = await restoreSkill("r", 1);
    expect(restored).toMatchObject({ version: 3, restored: 1 });
    expect(readFileSync(path.join(dir, "r", "SKILL.md"), "utf8")).toBe(doc("r", "One."));
    const versions = await listSkillVersions("r");
    expect(versions[0]).toMatchObject({ version: 3, message: "Restored v1" });

    await deleteSkill("r");
    expect(existsSync(path.join(dir, "r"))).toBe(false);
    // Other test files leave their own deleted skills in the shared database.
    expect((await skillList()).deleted.filter((name) => MINE.includes(name))).toEqual(["r"]);
    expect(await restoreSkill("r", 2)).toMatchObject({ created: true, version: 4 });
    expect(readFileSync(path.join(dir, "r", "SKILL.md"), "utf8")).toBe(doc("r", "Two."));
    expect((await apiError(restoreSkill("r", 99))).code).toBe("not_found");
  });

  it("keeps the deleted content and a hand edit in history", async () => {
    await saveSkill({ name: "d", content: doc("d") });
    writeFileSync(path.join(dir, "d", "SKILL.md"), doc("d", "Hand edit."));
    await deleteSkill("d");
    const versions = await listSkillVersions("d");
    expect(versions.map((v) => v.origin)).toEqual(["disk", "user"]);
    expect((await apiError(deleteSkill("d"))).code).toBe("not_found");
  });

  it("moves history on rename and rewrites the name in the front matter", async () => {
    mkdirSync(path.join(dir, "old", "scripts"), { recursive: true });
    writeFileSync(path.join(dir, "old", "SKILL.md"), doc("old"));
    writeFileSync(path.join(dir, "old", "scripts", "run.sh"), "echo hi\n");
    await saveSkill({ name: "old", content: doc("old", "Edited.") });
    await db().skillLoad.create({ data: { skill: "old", kind: "loaded" } });
    await renameSkill("old", "new-name");
    expect(tree(dir)).toEqual(["new-name/SKILL.md", "new-name/scripts/run.sh"]);
    expect(readFileSync(path.join(dir, "new-name", "SKILL.md"), "utf8")).toBe(doc("new-name", "Edited."));
    expect((await listSkillVersions("new-name")).map((v) => [v.version, v.origin])).toEqual([
      [3, "user"],
      [2, "user"],
      [1, "disk"],
    ]);
    expect(await listSkillVersions("old")).toEqual([]);
    expect(await db().skillLoad.count({ where: { skill: "new-name" } })).toBe(1);
    // v1 still says `name: old`; restoring it writes the current name.
    await restoreSkill("new-name", 1);
    expect(readFileSync(path.join(dir, "new-name", "SKILL.md"), "utf8")).toBe(doc("new-name"));

    await saveSkill({ name: "taken", content: doc("taken") });
    expect((await apiError(renameSkill("new-name", "taken"))).code).toBe("conflict");
  });
});

describe("flat bmo-style skills", () => {
  const bmo = `---
name: testing
description: Write and run tests
triggers:
  - test
  - "unit test"
---

Run the narrowest test first.
`;

  it("are read as skills, folder first, and become a folder on the first save", async () => {
    writeFileSync(path.join(dir, "testing.md"), bmo);
    writeFileSync(path.join(dir, "README.md"), "# not a skill\n");
    writeFileSync(path.join(dir, "Bad_Name.md"), bmo);
    expect(await listSkills()).toEqual([
      {
        name: "testing",
        description: "Write and run tests",
        triggers: ["test", "unit test"],
        file: path.join(dir, "testing.md"),
      },
    ]);
    const { ignored } = await scanSkills();
    expect(ignored.map((i) => i.entry)).toEqual(["Bad_Name.md"]);

    const detail = await skillDetail("testing");
    expect(detail).toMatchObject({ format: "flat", path: "testing.md", valid: true });
    expect(detail?.versions.map((v) => v.origin)).toEqual(["import"]);

    await saveSkill({ name: "testing", content: bmo.replace("Write and run", "Write, then run") });
    expect(existsSync(path.join(dir, "testing.md"))).toBe(false);
    expect(readFileSync(path.join(dir, "testing", "SKILL.md"), "utf8")).toContain("Write, then run");
    expect((await listSkillVersions("testing")).map((v) => v.origin)).toEqual(["user", "import"]);
  });

  it("a folder shadows a flat file of the same name", async () => {
    writeFileSync(path.join(dir, "dup.md"), doc("dup", "Flat."));
    mkdirSync(path.join(dir, "dup"));
    writeFileSync(path.join(dir, "dup", "SKILL.md"), doc("dup", "Folder."));
    const { skills, ignored } = await scanSkills();
    expect(skills.map((s) => [s.name, s.format])).toEqual([["dup", "folder"]]);
    expect(ignored).toEqual([{ entry: "dup.md", reason: "dup/SKILL.md takes precedence." }]);
  });
});

describe("the template", () => {
  it("saves as a valid skill", async () => {
    expect(await saveSkill({ name: "t", content: skillTemplate("t", "Something.") })).toMatchObject({
      version: 1,
    });
  });
});
