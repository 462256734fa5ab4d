import { describe, expect, it } from "vitest";
import {
  type CallObservation,
  DEFAULT_FRICTION_SETTINGS,
  detectFriction,
  type FrictionContext,
  nudgeFor,
} from "./friction-detector";

const cmd = (input: string, exitCode = 0, extra: Partial<CallObservation> = {}): CallObservation => ({
  tool: "run_command",
  input,
  ok: true,
  errorClass: exitCode === 0 ? null : "command_failed",
  durationMs: 50,
  exitCode,
  ...extra,
});

function ctx(history: CallObservation[] = [], extra: Partial<FrictionContext> = {}): FrictionContext {
  return {
    history,
    p95: new Map(),
    recentPatterns: new Map(),
    settings: DEFAULT_FRICTION_SETTINGS,
    ...extra,
  };
}

const kinds = (call: CallObservation, c: FrictionContext) => detectFriction(call, c).map((h) => h.kind);

describe("detectFriction", () => {
  it("ignores a single failing command: non-zero exits are normal work", () => {
    expect(kinds(cmd("npm test", 1), ctx())).toEqual([]);
  });

  it("fires when the same command fails twice", () => {
    const hits = detectFriction(cmd("npm test", 1), ctx([cmd("npm test", 1)]));
    expect(hits.map((h) => h.kind)).toContain("repeated_failure");
    expect(hits[0]?.detail).toContain("failed 2 times");
  });

  it("does not count a different command or an earlier success", () => {
    expect(kinds(cmd("npm test", 1), ctx([cmd("npm run lint", 1), cmd("npm test", 0)]))).not.toContain(
      "repeated_failure",
    );
  });

  it("fires on a tool error, a sandbox denial and a timeout", () => {
    expect(kinds(cmd("x", 0, { ok: false, errorClass: "tool_error", exitCode: null }), ctx())).toContain(
      "tool_error",
    );
    expect(kinds(cmd("curl x", 6, { errorClass: "sandbox_denial" }), ctx())).toContain("tool_error");
    expect(kinds(cmd("sleep 9", 0, { ok: false, errorClass: "timeout", exitCode: null }), ctx())).toContain(
      "timeout",
    );
  });

  it("says why a tool failed, not only its input", () => {
    const call: CallObservation = {
      tool: "find_todos",
      input: "{}",
      ok: false,
      errorClass: "tool_error",
      error:
        "Error: EACCES: permission denied, open './.bash_profile'\n  at walk (find_todos.mjs:3:9)\n  at run (find_todos.mjs:5:5)",
      durationMs: 30,
      exitCode: null,
    };
    const hit = detectFriction(call, ctx()).find((h) => h.kind === "tool_error");
    expect(hit?.detail).toBe(
      "find_todos failed as a tool: Error: EACCES: permission denied, open './.bash_profile' at walk (find_todos.mjs:3:9) (input: {})",
    );
  });

  it("fires when a command pattern repeats three times, arguments aside", () => {
    const history = [cmd("cat src/a.ts"), cmd("cat src/b.ts")];
    const hits = detectFriction(cmd("cat src/c.ts"), ctx(history));
    expect(hits.map((h) => [h.kind, h.key])).toEqual([["repeated_pattern", "repeated_pattern:cat"]]);
    expect(kinds(cmd("cat src/b.ts"), ctx([cmd("cat src/a.ts")]))).toEqual([]);
  });

  it("counts the pattern across recent sessions", () => {
    const recent = new Map([["npm test", 4]]);
    expect(kinds(cmd("npm test -- b"), ctx([cmd("npm test -- a")], { recentPatterns: recent }))).toContain(
      "repeated_pattern",
    );
    expect(kinds(cmd("npm test -- b"), ctx([], { recentPatterns: recent }))).toEqual([]);
  });

  it("fires on a call slower than the tool's p95, given enough samples", () => {
    const p95 = new Map([["run_command", { p95Ms: 2000, calls: 100 }]]);
    expect(kinds(cmd("npm test", 0, { durationMs: 9000 }), ctx([], { p95 }))).toContain("slow_call");
    expect(kinds(cmd("npm test", 0, { durationMs: 1500 }), ctx([], { p95 }))).toEqual([]);
    const few = new Map([["run_command", { p95Ms: 2000, calls: 3 }]]);
    expect(kinds(cmd("npm test", 0, { durationMs: 9000 }), ctx([], { p95: few }))).toEqual([]);
  });

  it("leaves the improvement loop's own tools alone", () => {
    const call: CallObservation = {
      tool: "propose_tool",
      input: "x",
      ok: false,
      errorClass: "tool_error",
      durationMs: 1,
      exitCode: null,
    };
    expect(kinds(call, ctx([call]))).toEqual([]);
  });

  it("honours the thresholds from Settings", () => {
    const settings = { ...DEFAULT_FRICTION_SETTINGS, repeatFailures: 3 };
    expect(kinds(cmd("npm test", 1), ctx([cmd("npm test", 1)], { settings }))).not.toContain(
      "repeated_failure",
    );
    expect(kinds(cmd("npm test", 1), ctx([cmd("npm test", 1), cmd("npm test", 1)], { settings }))).toContain(
      "repeated_failure",
    );
  });
});

it("asks the build-it-now question in the nudge", () => {
  const text = nudgeFor([{ kind: "repeated_failure", detail: "the same command failed 2 times: npm test" }]);
  expect(text).toContain("npm test");
  expect(text).toContain("under 5 minutes");
  expect(text).toContain("propose_tool");
});
