import type { AskStat } from "@/lib/permissions/views";
import { formatDuration } from "../format";
import { cn } from "../ui/cn";
import { TD, TH } from "./section";

const COLUMNS: Array<[keyof AskStat, string]> = [
  ["asked", "Asked"],
  ["allowed", "Allowed"],
  ["allowedForSession", "…for session"],
  ["denied", "Denied"],
  ["timedOut", "Timed out"],
  ["cancelled", "Stopped"],
];

/** Permission asks per rule: how people answered and how long they took. */
export function AsksTable({ asks }: { asks: AskStat[] }) {
  if (asks.length === 0) return <p className="text-muted">No permission asks in this range.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-panel">
      <table className="w-full border-collapse text-left" data-testid="asks-table">
        <caption className="sr-only">Permission asks per rule</caption>
        <thead className="border-line border-b">
          <tr>
            <th scope="col" className={TH}>
              Rule
            </th>
            {COLUMNS.map(([key, label]) => (
              <th key={key} scope="col" className={cn(TH, "text-right")}>
                {label}
              </th>
            ))}
            <th scope="col" className={cn(TH, "text-right")}>
              Median answer
            </th>
          </tr>
        </thead>
        <tbody>
          {asks.map((a) => (
            <tr
              key={a.rule}
              data-testid="ask-row"
              data-rule={a.rule}
              className="border-line border-b last:border-b-0"
            >
              <th scope="row" className={cn(TD, "font-mono font-normal text-fg text-sm")}>
                {a.rule}
              </th>
              {COLUMNS.map(([key]) => (
                <td key={key} data-col={key} className={cn(TD, "text-right text-muted tabular-nums")}>
                  {String(a[key])}
                </td>
              ))}
              <td className={cn(TD, "text-right text-muted tabular-nums")}>
                {a.medianAnswerMs === null ? "—" : formatDuration(a.medianAnswerMs)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
