import type { ActivityData, ActivityKind } from "./activity";

/** One line of text: whitespace collapsed, cut at `max` characters. */
function clip(text: string, max = 120): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function tokens(n: number): string {
  return n < 1000 ? String(n) : `${(n / 1000).toFixed(1)}k`;
}

function callResult(call: ActivityData["tool_call"]): string {
  if (!call.ok) return call.errorClass ?? "error";
  if (call.exitCode !== null) return `exit ${call.exitCode}`;
  return call.errorClass ?? "ok";
}

type Input = { [K in ActivityKind]: { kind: K; data: ActivityData[K] } }[ActivityKind];

/** The row's one human line, e.g. "run_command npm test → exit 1 in 6.5 s". */
export function activitySummary({ kind, data }: Input): string {
  switch (kind) {
    case "tool_call": {
      const version = data.toolVersion === "builtin" ? "" : ` ${data.toolVersion}`;
      const input = data.inputSummary ? ` ${clip(data.inputSummary, 80)}` : "";
      // why it failed, first line only: the frames are in the drill-down
      const why =
        data.errorMessage && !data.ok ? `: ${clip(data.errorMessage.split("\n")[0] ?? "", 100)}` : "";
      return `${data.tool}${version}${input} → ${callResult(data)}${why} in ${duration(data.durationMs)}`;
    }
    case "model_step": {
      const time = data.durationMs === null ? "" : `, ${duration(data.durationMs)}`;
      return `${data.model} step ${data.step}: ${tokens(data.inputTokens)} in, ${tokens(data.outputTokens)} out, $${data.costUsd.toFixed(4)}${time}`;
    }
    case "skill_load":
      return `${data.kind} skill ${data.skill}${data.trigger ? ` (${clip(data.trigger, 60)})` : ""}`;
    case "friction": {
      const tool = data.toolName ? ` (${data.toolName})` : "";
      return `${data.kind.replace(/_/g, " ")}: ${clip(data.detail)} → ${data.outcome}${tool}`;
    }
    case "learning":
      return `${data.type} from ${data.source}: ${clip(data.description)}`;
    case "reflection": {
      const text = data.summary ?? data.error;
      return `reflection ${data.status} (${data.trigger})${text ? `: ${clip(text)}` : ""}`;
    }
  }
}
