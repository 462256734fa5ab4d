/**
 * The names of the built-in tools (defined in lib/agent/tools): no agent-written tool may take one,
 * and telemetry tells built-ins from agent-written tools by them. Here, below both, so neither has to
 * import the agent; lib/tools/lifecycle.test.ts checks the list against BUILTIN_TOOLS.
 */
export const BUILTIN_NAMES: readonly string[] = [
  "run_command",
  "apply_patch",
  "edit_file",
  "write_file",
  "load_skill",
  "reload_tools",
  "log_learning_event",
  "propose_tool",
];
