import type { ToolVersion } from "@/lib/db/queries/tool-versions";
import type { ValidationReport } from "./validate";

/** The validation report as the model reads it: what failed and how to fix it, first. */
export function reportForModel(version: ToolVersion, report: ValidationReport, duplicate: boolean): string {
  const lines: string[] = [];
  const head = `${version.name} v${version.version} (sha256 ${version.sha256.slice(0, 12)})`;
  if (duplicate) lines.push(`This exact source was already proposed as ${head}; status: ${version.status}.`);
  if (report.ok) {
    lines.push(
      `Validation passed for ${head}. It is staged for a person to approve on the Tools page.`,
      `You can call ${version.name} now, in this session only (trial), sandboxed as declared. Use it for the task at hand.`,
      `An evaluation is available to the reviewer: they can replay recorded turns of this workspace with and without ${version.name} before approving it (steps, tokens, verifications). You cannot start or read it.`,
    );
    if (report.unavailable) lines.push(`But it is unavailable on this machine: ${report.unavailable}.`);
  } else {
    lines.push(
      `Validation FAILED for ${head}. Fix the problems below and call propose_tool again with the full source.`,
    );
  }
  for (const check of report.checks) {
    if (check.status === "pass") continue;
    lines.push(`- ${check.status.toUpperCase()} ${check.label}${check.detail ? `: ${check.detail}` : ""}`);
  }
  for (const example of report.examples) {
    if (example.pass) continue;
    lines.push(
      `- example ${example.index + 1} ${JSON.stringify(example.args).slice(0, 200)} failed: ${example.reason ?? "no reason"}${example.returned ? `\n  returned: ${example.returned}` : ""}`,
    );
  }
  const passed = report.examples.filter((e) => e.pass).length;
  if (report.examples.length) lines.push(`Examples: ${passed} of ${report.examples.length} passed.`);
  if (report.flags.length)
    lines.push(`Shown to the reviewer as hints: ${report.flags.map((f) => f.label).join("; ")}.`);
  return lines.join("\n");
}
