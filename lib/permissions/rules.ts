import path from "node:path";
import { z } from "zod";
import {
  analyzeCommand,
  type CommandAnalysis,
  type Match,
  matchInvocation,
  operands,
  parsePattern,
} from "./command-match";

/**
 * Permission rules as data: allow, ask or deny, per tool (built-in or agent-written, by name) and,
 * for `run_command`, per command pattern (./command-match.ts). Every rule that matches a call is
 * found, and the strictest wins: deny > ask > allow. A rule that only *may* match (the command
 * cannot be read with confidence) counts for deny and ask, never for allow. A call no rule decides
 * gets the default action; with the default `ask`, an allow rule lets a command through only when
 * every program on its line is allowed.
 */

export const RULE_ACTIONS = ["allow", "ask", "deny"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const COMMAND_TOOL = "run_command";
const PATTERN_WORD = /^[A-Za-z0-9_.+:@=,/-]+$/;

export const ruleSchema = z
  .object({
    tool: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "tool: a tool's name (lowercase letters, digits and _)"),
    pattern: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((p) => p.split(/\s+/).every((w) => PATTERN_WORD.test(w)), {
        message: "pattern: words of letters, digits and . _ + : @ = , / - only (no quotes or shell syntax)",
      })
      .refine((p) => parsePattern(p) !== null, {
        message: "pattern: a program, then its subcommands, then its flags (`git push`, `rm -rf`)",
      })
      .optional(),
    action: z.enum(RULE_ACTIONS),
    /** The rule spares a command whose every operand is an absolute path under one of these. */
    unlessUnder: z
      .array(
        z
          .string()
          .max(500)
          .refine((p) => path.posix.isAbsolute(p) && path.posix.normalize(p) === p && p !== "/", {
            message: "unlessUnder: absolute, normalized folders other than /",
          }),
      )
      .max(10)
      .optional(),
  })
  .strict()
  .refine((r) => r.pattern === undefined || r.tool === COMMAND_TOOL, {
    message: `pattern: only ${COMMAND_TOOL} rules have a command pattern`,
  })
  .refine((r) => r.unlessUnder === undefined || r.pattern !== undefined, {
    message: "unlessUnder: only rules with a pattern spare paths",
  });
export type PermissionRule = z.infer<typeof ruleSchema>;

/** Ten minutes: long enough to see a notification and come back, short enough that a turn left
 * alone ends (as a deny the model can work around) instead of holding the session all day. */
export const DEFAULT_ASK_TIMEOUT_SECONDS = 600;

export const permissionSettingsSchema = z
  .object({
    rules: z.array(ruleSchema).max(200),
    defaultAction: z.enum(["allow", "ask"]),
    askTimeoutSeconds: z.number().int().min(1).max(86_400),
  })
  .strict();
export type PermissionSettings = z.infer<typeof permissionSettingsSchema>;

const ask = (pattern: string, unlessUnder?: string[]): PermissionRule => ({
  tool: COMMAND_TOOL,
  pattern,
  action: "ask",
  ...(unlessUnder ? { unlessUnder } : {}),
});

/** What a new install asks about: what leaves the machine or destroys work that cannot be undone. */
export const DEFAULT_RULES: readonly PermissionRule[] = [
  ask("git push"),
  ask("git reset --hard"),
  ask("rm -rf", ["/tmp"]),
  ask("npm publish"),
  ask("pnpm publish"),
  ask("yarn publish"),
  ask("yarn npm publish"),
  ask("cargo publish"),
  ask("twine upload"),
  ask("gem push"),
];

export const DEFAULT_PERMISSIONS: PermissionSettings = {
  rules: [...DEFAULT_RULES],
  defaultAction: "allow",
  askTimeoutSeconds: DEFAULT_ASK_TIMEOUT_SECONDS,
};

/** How a rule is named in asks, telemetry and messages: `run_command: git push`, `edit_file`. */
export function ruleLabel(rule: PermissionRule): string {
  return rule.pattern ? `${rule.tool}: ${rule.pattern}` : rule.tool;
}

export function sameRule(a: PermissionRule, b: PermissionRule): boolean {
  return (
    a.tool === b.tool &&
    a.action === b.action &&
    (a.pattern ?? "") === (b.pattern ?? "") &&
    (a.unlessUnder ?? []).join("\n") === (b.unlessUnder ?? []).join("\n")
  );
}

export interface Verdict {
  action: RuleAction;
  /** The rules that gave the verdict (none when it is the default). */
  rules: PermissionRule[];
  /** Some of them matched only possibly: why the command could not be read. */
  unsure: string[];
}

/** A tool call as the rules see it. */
export interface RuleSubject {
  tool: string;
  input: unknown;
}

function commandOf(input: unknown): string | null {
  if (input && typeof input === "object" && "command" in input) {
    const { command } = input as { command: unknown };
    if (typeof command === "string") return command;
  }
  return null;
}

function under(text: string, dirs: readonly string[]): boolean {
  if (!path.posix.isAbsolute(text)) return false;
  const normal = path.posix.normalize(text);
  return dirs.some((dir) => normal.startsWith(`${dir}/`) && normal.length > dir.length + 1);
}

/** How one rule meets one call. */
export function matchRule(rule: PermissionRule, subject: RuleSubject, analysis?: CommandAnalysis): Match {
  if (rule.tool !== subject.tool) return "no";
  if (rule.pattern === undefined) return "yes";
  const command = commandOf(subject.input);
  if (command === null) return "maybe";
  const pattern = parsePattern(rule.pattern);
  if (!pattern) return "no";
  const seen = analysis ?? analyzeCommand(command);
  let best: Match = seen.opaque.length ? "maybe" : "no";
  for (const invocation of seen.invocations) {
    let m = matchInvocation(pattern, invocation);
    if (m !== "no" && rule.unlessUnder) {
      const paths = operands(pattern, invocation);
      // spared only when every operand is known and inside: `rm -rf /tmp/x`, not `rm -rf /tmp/../x`
      if (paths.length > 0 && paths.every((w) => !w.dynamic && under(w.text, rule.unlessUnder ?? [])))
        m = "no";
    }
    if (m === "yes") return "yes";
    if (m === "maybe") best = "maybe";
  }
  return best;
}

/** Whether allow rules cover every program a command line runs (for the default `ask`). */
function allowedThroughout(
  rules: PermissionRule[],
  subject: RuleSubject,
  analysis: CommandAnalysis,
): PermissionRule[] | null {
  if (analysis.opaque.length || analysis.invocations.length === 0) return null;
  const used: PermissionRule[] = [];
  for (const invocation of analysis.invocations) {
    const one: CommandAnalysis = { invocations: [invocation], opaque: [] };
    const rule = rules.find((r) => matchRule(r, subject, one) === "yes");
    if (!rule) return null;
    if (!used.includes(rule)) used.push(rule);
  }
  return used;
}

/** The verdict on a tool call: the strictest rule that matches (or may), else the default. */
export function evaluate(settings: PermissionSettings, subject: RuleSubject): Verdict {
  const command = subject.tool === COMMAND_TOOL ? commandOf(subject.input) : null;
  const analysis = command === null ? undefined : analyzeCommand(command);
  const matched = settings.rules
    .map((rule) => ({ rule, match: matchRule(rule, subject, analysis) }))
    .filter((m) => m.match !== "no");
  for (const action of ["deny", "ask"] as const) {
    const hits = matched.filter((m) => m.rule.action === action);
    if (hits.length)
      return {
        action,
        rules: hits.map((h) => h.rule),
        unsure: hits.some((h) => h.match === "maybe") ? (analysis?.opaque ?? []) : [],
      };
  }
  const allows = matched.filter((m) => m.rule.action === "allow" && m.match === "yes").map((m) => m.rule);
  if (settings.defaultAction === "allow") return { action: "allow", rules: allows, unsure: [] };
  const wholeTool = allows.filter((r) => r.pattern === undefined);
  if (wholeTool.length) return { action: "allow", rules: wholeTool, unsure: [] };
  if (analysis) {
    const throughout = allowedThroughout(
      allows.filter((r) => r.pattern !== undefined),
      subject,
      analysis,
    );
    if (throughout) return { action: "allow", rules: throughout, unsure: [] };
  }
  return { action: "ask", rules: [], unsure: analysis?.opaque ?? [] };
}
