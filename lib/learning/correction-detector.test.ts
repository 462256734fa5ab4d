import { describe, expect, it } from "vitest";
import { similarity } from "./capture";
import { detectLearning } from "./correction-detector";

const corrections = [
  "no, use pnpm",
  "No. Use pnpm.",
  "nope, the other file",
  "not that one, the config in src/",
  "wrong file",
  "that's wrong, the port is 4000",
  "Actually, run it with --watch",
  "I said the staging branch",
  "I told you not to touch the lockfile",
  "stop, you are editing generated code",
  "undo that change",
  "revert the last commit please",
  "don't use npm here",
  "Do not reformat the whole file.",
  "Use the existing helper instead.",
  "that's not what I asked for",
  "You should have run the tests first.",
  "Thanks. But no, keep the old name.",
];

const preferences = [
  "I prefer tabs over spaces",
  "I'd rather you ask before deleting files",
  "always run the linter before committing",
  "Never push to main.",
  "use pnpm not npm",
  "use vitest instead of jest",
  "From now on, write commit messages in English.",
];

const neither = [
  "no problem",
  "No worries, take your time",
  "I don't know yet",
  "don't worry about the tests for now",
  "not sure, what do you think?",
  "actually works now, thanks",
  "Can you list the files?",
  "The notation is strange",
  "please run the tests",
  "is there another way?",
  "know what, let's add a README",
  "Nothing else for now.",
  "Nobody uses that module anymore, you can delete it",
  "no, that's fine",
];

describe("detectLearning", () => {
  it.each(corrections)("finds the correction in %j", (text) => {
    expect(detectLearning(text)?.type).toBe("correction");
  });

  it.each(preferences)("finds the preference in %j", (text) => {
    expect(detectLearning(text)?.type).toBe("preference");
  });

  it.each(neither)("does not fire on %j", (text) => {
    expect(detectLearning(text)).toBeNull();
  });

  it("says which words matched", () => {
    expect(detectLearning("use pnpm not npm")?.phrase).toBe("use pnpm not npm");
    expect(detectLearning("no, use pnpm")?.phrase).toBe("no, use pnpm");
  });
});

describe("similarity", () => {
  it("matches the same correction in other words order and rejects unrelated ones", () => {
    expect(
      similarity("no, use pnpm for installs", "message: use pnpm for installs, not npm"),
    ).toBeGreaterThanOrEqual(0.5);
    expect(similarity("no, use pnpm", "wrong file, edit config.ts")).toBe(0);
  });
});
