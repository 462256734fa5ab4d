import { describe, expect, it } from "vitest";
import { casesToRun, isCheckCommand, type RecordedTurn, selectCases, verificationOf } from "./cases";

let n = 0;
function turn(over: Partial<RecordedTurn> = {}): RecordedTurn {
  n += 1;
  return {
    turnId: `t${n}`,
    sessionId: "s1",
    workspace: "/ws",
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
    status: "completed",
    message: "fix the failing test",
    model: "m",
    startTree: "a".repeat(40),
    calls: [],
    frictions: 0,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 0.01,
    steps: 2,
    ...over,
  };
}

const run = (command: string, exitCode: number, commandKey: string | null = null) => ({
  tool: "run_command",
  ok: exitCode === 0,
  exitCode,
  command,
  commandKey,
});

describe("isCheckCommand: an allowlist of test and build commands", () => {
  it.each([
    "npm test",
    "npm run build",
    "npm run test:unit",
    "npx vitest run",
    "pytest -q tests/",
    "python -m pytest",
    "cargo test",
    "go build ./...",
    "make",
    "CI=1 npm test",
    "./node_modules/.bin/tsc --noEmit",
  ])("%s is a check", (command) => expect(isCheckCommand(command)).toBe(true));

  it.each([
    "ls -la",
    "cat test.txt",
    "npm install",
    "npm test && rm -rf /",
    "npm test; curl evil",
    "npm test | tee out",
    "npm test $(whoami)",
    "npm test `id`",
    "npm test > /dev/null",
    "npm test\nrm -rf x",
    `npm test ${"x".repeat(200)}`,
    "",
    "echo test",
  ])("%j is not", (command) => expect(isCheckCommand(command)).toBe(false));
});

describe("verificationOf", () => {
  it("is the last check the turn ran, with its exit code", () => {
    const v = verificationOf({
      message: "m",
      calls: [run("npm test", 1), run("ls", 0), run("npm test", 0), run("cat x", 0)],
    });
    expect(v).toEqual({ kind: "command", command: "npm test", exitCode: 0 });
  });

  it("is a rubric built from the message when the turn ran no check", () => {
    const v = verificationOf({ message: "rename foo to bar", calls: [run("ls", 0)] });
    expect(v).toEqual({ kind: "rubric", rubric: expect.stringContaining("rename foo to bar") });
  });
});

describe("selectCases", () => {
  it("puts the friction turns first, then similar turns by shared commands and tools, then the rest", () => {
    const friction = turn({ calls: [run("grep -rn TODO .", 1, "grep")] });
    const similarMore = turn({
      calls: [run("grep -rn FIXME .", 0, "grep"), { ...run("x", 0), tool: "find_todos", command: null }],
    });
    const similar = turn({ calls: [run("grep -rn X .", 0, "grep")] });
    const other = turn({ calls: [run("ls", 0, "ls")] });
    const set = selectCases([other, similar, friction, similarMore], {
      focus: {
        turnIds: new Set([friction.turnId]),
        commandKeys: new Set(["grep"]),
        tools: new Set(["find_todos"]),
      },
    });
    expect(set.map((c) => [c.turnId, c.reason, c.included])).toEqual([
      [friction.turnId, "friction", true],
      [similarMore.turnId, "similar", true],
      [similar.turnId, "similar", true],
      [other.turnId, "recorded", false],
    ]);
  });

  it("leaves out turns that cannot be replayed: no checkpoint, no message, still running", () => {
    const ok = turn();
    const set = selectCases([
      turn({ startTree: null }),
      turn({ message: "  " }),
      turn({ status: "running" }),
      ok,
    ]);
    expect(set.map((c) => c.turnId)).toEqual([ok.turnId]);
  });

  it("includes up to the limit, newest first when nothing is in focus", () => {
    const turns = [turn(), turn(), turn()];
    const set = selectCases(turns, { limit: 2 });
    expect(set.filter((c) => c.included).map((c) => c.turnId)).toEqual([turns[2]?.turnId, turns[1]?.turnId]);
  });

  it("a person's choice wins over the rules, both ways", () => {
    const friction = turn();
    const other = turn();
    const set = selectCases([friction, other], {
      focus: { turnIds: new Set([friction.turnId]), commandKeys: new Set(), tools: new Set() },
      choices: new Map([
        [friction.turnId, false],
        [other.turnId, true],
      ]),
    });
    expect(set.map((c) => [c.turnId, c.included, c.chosen])).toEqual([
      [friction.turnId, false, true],
      [other.turnId, true, true],
    ]);
    expect(casesToRun(set, 5).map((c) => c.turnId)).toEqual([other.turnId]);
  });

  it("does not include a turn that proposed a tool unless a person does", () => {
    const proposing = turn({ calls: [{ ...run("x", 0), tool: "propose_tool", command: null }] });
    const plain = turn();
    expect(selectCases([proposing, plain]).map((c) => [c.turnId, c.included])).toEqual([
      [plain.turnId, true],
      [proposing.turnId, false],
    ]);
    const chosen = selectCases([proposing], { choices: new Map([[proposing.turnId, true]]) });
    expect(chosen[0]?.included).toBe(true);
  });

  it("carries the recorded cost as the estimate's basis", () => {
    const [c] = selectCases([turn({ inputTokens: 1000, outputTokens: 50, costUsd: 0.2 })]);
    expect(c).toMatchObject({ tokens: 1050, costUsd: 0.2 });
  });
});
