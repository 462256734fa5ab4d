import { describe, expect, it } from "vitest";
import {
  DEFAULT_PERMISSIONS,
  evaluate,
  type PermissionRule,
  type PermissionSettings,
  permissionSettingsSchema,
  ruleLabel,
  ruleSchema,
} from "./rules";

const run = (command: string) => ({ tool: "run_command", input: { command } });
const settings = (rules: PermissionRule[], defaultAction: "allow" | "ask" = "allow"): PermissionSettings => ({
  rules,
  defaultAction,
  askTimeoutSeconds: 600,
});

describe("the default rules", () => {
  const cases: Array<[string, "allow" | "ask"]> = [
    ["git push", "ask"],
    ["git push --force origin main", "ask"],
    ["cd repo && git -C . push", "ask"],
    ["git reset --hard HEAD", "ask"],
    ["git reset --soft HEAD~1", "allow"],
    ["rm -rf build", "ask"],
    ["rm -rf /", "ask"],
    ["rm -rf ~/code", "ask"],
    ["rm -rf /tmp/../home/me", "ask"],
    ["rm -rf /tmp", "ask"],
    ["rm -rf /tmp/x /home/me", "ask"],
    ["rm -rf $TMPDIR/x", "ask"],
    ["rm -rf /tmp/build-1", "allow"],
    ["rm -rf /tmp/a /tmp/b/c", "allow"],
    ["rm -rf /tmp/*", "allow"],
    ["npm publish", "ask"],
    ["pnpm publish --no-git-checks", "ask"],
    ["yarn publish", "ask"],
    ["yarn npm publish", "ask"],
    ["cargo publish", "ask"],
    ["twine upload dist/*", "ask"],
    ["gem push x.gem", "ask"],
    ["git status && npm test", "allow"],
    ["echo 'git push'", "allow"],
    ["grep 'rm -rf' notes.md", "allow"],
    ["git pushd", "allow"],
    ["echo git push | bash", "ask"],
    ["git status 'unclosed", "ask"],
  ];
  it.each(cases)("%j → %s", (command, expected) => {
    expect(evaluate(DEFAULT_PERMISSIONS, run(command)).action).toBe(expected);
  });

  it("names the rule that asked, and says why when it could not read the line", () => {
    const verdict = evaluate(DEFAULT_PERMISSIONS, run("echo x | bash"));
    expect(verdict.rules.map(ruleLabel)).toContain("run_command: git push");
    expect(verdict.unsure.join()).toMatch(/standard input/);
  });

  it("asks nothing of other tools", () => {
    expect(evaluate(DEFAULT_PERMISSIONS, { tool: "edit_file", input: { path: "a" } }).action).toBe("allow");
  });
});

describe("rule order: deny > ask > allow", () => {
  const allowPush: PermissionRule = { tool: "run_command", pattern: "git push", action: "allow" };
  const askPush: PermissionRule = { tool: "run_command", pattern: "git push", action: "ask" };
  const denyPush: PermissionRule = { tool: "run_command", pattern: "git push", action: "deny" };
  const askAll: PermissionRule = { tool: "run_command", action: "ask" };
  const denyTool: PermissionRule = { tool: "deploy_site", action: "deny" };
  const cases: Array<[string, PermissionRule[], string, "allow" | "ask" | "deny"]> = [
    ["deny beats ask", [askPush, denyPush], "git push", "deny"],
    ["deny beats ask, listed the other way", [denyPush, askPush], "git push", "deny"],
    ["ask beats allow", [allowPush, askPush], "git push", "ask"],
    ["deny beats allow", [allowPush, denyPush], "git push", "deny"],
    ["a tool-wide ask beats a pattern allow", [allowPush, askAll], "git push", "ask"],
    ["a deny anywhere in the line", [denyPush], "git status && git push", "deny"],
    ["a possible match denies", [denyPush], "$GIT push", "deny"],
    ["an unreadable line under a deny denies", [denyPush], "echo x | sh", "deny"],
    ["no match falls to the default", [denyPush], "git status", "allow"],
  ];
  it.each(cases)("%s", (_name, rules, command, expected) => {
    expect(evaluate(settings(rules), run(command)).action).toBe(expected);
  });

  it("denies an agent-written tool by name", () => {
    expect(evaluate(settings([denyTool]), { tool: "deploy_site", input: {} }).action).toBe("deny");
    expect(evaluate(settings([denyTool]), { tool: "deploy_docs", input: {} }).action).toBe("allow");
  });
});

describe("the default `ask`", () => {
  const allowGit: PermissionRule = { tool: "run_command", pattern: "git status", action: "allow" };
  const allowLs: PermissionRule = { tool: "run_command", pattern: "ls", action: "allow" };
  const cases: Array<[string, "allow" | "ask"]> = [
    ["git status", "allow"],
    ["git status && ls -la", "allow"],
    ["git status && git push", "ask"],
    ["ls $(git push)", "ask"],
    ["$X status", "ask"],
    ["git status | sh", "ask"],
    ["echo hi", "ask"],
  ];
  it.each(cases)("allows %j only when every program on it is allowed", (command, expected) => {
    expect(evaluate(settings([allowGit, allowLs], "ask"), run(command)).action).toBe(expected);
  });
  it("a tool-wide allow lets the whole tool through", () => {
    const allowTool: PermissionRule = { tool: "read_notes", action: "allow" };
    expect(evaluate(settings([allowTool], "ask"), { tool: "read_notes", input: {} }).action).toBe("allow");
    expect(evaluate(settings([allowTool], "ask"), { tool: "other", input: {} }).action).toBe("ask");
  });
});

describe("rules as stored", () => {
  it("the defaults are valid", () => {
    expect(permissionSettingsSchema.parse(DEFAULT_PERMISSIONS)).toEqual(DEFAULT_PERMISSIONS);
  });
  const bad: Array<[string, unknown]> = [
    ["an unknown action", { tool: "run_command", pattern: "git push", action: "maybe" }],
    ["a pattern on another tool", { tool: "edit_file", pattern: "git push", action: "ask" }],
    ["shell syntax in a pattern", { tool: "run_command", pattern: "git push; rm", action: "ask" }],
    ["quotes in a pattern", { tool: "run_command", pattern: "'git' push", action: "ask" }],
    ["a pattern starting with a flag", { tool: "run_command", pattern: "-rf", action: "ask" }],
    ["flags before a subcommand", { tool: "run_command", pattern: "git --force push", action: "ask" }],
    [
      "a relative spared folder",
      { tool: "run_command", pattern: "rm -rf", action: "ask", unlessUnder: ["tmp"] },
    ],
    ["/ as a spared folder", { tool: "run_command", pattern: "rm -rf", action: "ask", unlessUnder: ["/"] }],
    [
      "an unnormalized folder",
      { tool: "run_command", pattern: "rm -rf", action: "ask", unlessUnder: ["/tmp/../etc"] },
    ],
    ["spared folders without a pattern", { tool: "run_command", action: "ask", unlessUnder: ["/tmp"] }],
    ["a bad tool name", { tool: "Run Command", action: "ask" }],
    ["an unknown field", { tool: "run_command", action: "ask", when: "always" }],
  ];
  it.each(bad)("refuses %s", (_name, rule) => {
    expect(ruleSchema.safeParse(rule).success).toBe(false);
  });
});
