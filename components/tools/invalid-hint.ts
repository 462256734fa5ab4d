import type { ToolVersionDetail } from "@/lib/tools/views";

/**
 * What happens next for a version that failed validation. Only the agent's own proposal goes back to
 * it (as the propose_tool result in its session); a file a person put in the tools folder is theirs
 * to fix.
 */
export function invalidHint(version: Pick<ToolVersionDetail, "origin" | "sessionId">): string {
  return version.origin === "agent" && version.sessionId
    ? "Failed validation, so it cannot be approved. The agent got the report and can propose a fixed version."
    : "Failed validation, so it cannot be approved. Fix the file in the tools folder, then use Check tools folder to validate it again.";
}
