import type { TelemetryOverview } from "@/lib/telemetry/views";
import { formatPercent } from "../format";
import { Stat } from "./section";

export function SummaryTiles({ overview }: { overview: TelemetryOverview }) {
  const { totals, tools } = overview;
  const rate = totals.calls ? totals.successes / totals.calls : null;
  const flagged = tools.filter((t) => t.flags.failing || t.flags.regressed || t.flags.unused);
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="summary">
      <Stat
        label="Tool calls"
        value={totals.calls.toLocaleString()}
        detail={`${totals.tools} ${totals.tools === 1 ? "tool" : "tools"} used`}
        testId="stat-calls"
      />
      <Stat
        label="Tool success"
        value={formatPercent(rate)}
        detail={`${totals.failures.toLocaleString()} tool failures`}
        tone={rate === null ? undefined : rate >= 0.95 ? "good" : rate >= 0.8 ? "warn" : "bad"}
        testId="stat-success"
      />
      <Stat
        label="Commands exited ≠ 0"
        value={totals.commandFailures.toLocaleString()}
        detail="the command failed; run_command worked"
        testId="stat-command-failures"
      />
      <Stat
        label="Flagged tools"
        value={flagged.length}
        detail={
          flagged.length
            ? flagged
                .slice(0, 3)
                .map((t) => t.tool)
                .join(", ")
            : "none"
        }
        tone={flagged.length ? "warn" : "good"}
        testId="stat-flagged"
      />
    </div>
  );
}
