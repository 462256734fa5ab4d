/** Names no agent-written tool may take (checked against BUILTIN_TOOLS in a test). */
export const BUILTIN_NAMES: readonly string[] = [
  "run_command",
  "load_skill",
  "reload_tools",
  "log_learning_event",
  "propose_tool",
];
