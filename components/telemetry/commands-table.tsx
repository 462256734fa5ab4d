import type { CommandStat } from "@/lib/telemetry/views";
import { formatPercent } from "../format";
import { cn } from "../ui/cn";
import { TD, TH } from "./section";

/** run_command by normalized command: how often each ran and how often it exited non-zero. */
export function CommandsTable({ commands }: { commands: CommandStat[] }) {
  if (commands.length === 0) return <p className="text-muted">No commands ran in this range.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-panel">
      <table className="w-full border-collapse text-left" data-testid="commands-table">
        <caption className="sr-only">Commands run through run_command, grouped by normalized command</caption>
        <thead className="border-line border-b">
          <tr>
            <th scope="col" className={TH}>
              Command
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Runs
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Failed
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Failure rate
            </th>
          </tr>
        </thead>
        <tbody>
          {commands.map((c) => (
            <tr
              key={c.command}
              data-testid="command-row"
              data-command={c.command}
              className="border-line border-b last:border-b-0"
            >
              <th scope="row" className={cn(TD, "font-mono font-normal text-fg text-sm")}>
                {c.command || "(empty)"}
              </th>
              <td className={cn(TD, "text-right text-muted tabular-nums")}>{c.calls.toLocaleString()}</td>
              <td className={cn(TD, "text-right text-muted tabular-nums")}>{c.failures.toLocaleString()}</td>
              <td
                data-testid="command-failure-rate"
                className={cn(
                  TD,
                  "text-right tabular-nums",
                  c.failureRate > 0.3
                    ? "text-red-300"
                    : c.failureRate > 0.05
                      ? "text-amber-300"
                      : "text-emerald-300",
                )}
              >
                {formatPercent(c.failureRate)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
