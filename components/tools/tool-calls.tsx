import Link from "next/link";
import type { ToolVersionDetail } from "@/lib/tools/views";
import { ErrorText } from "../error-text";
import { formatAbsoluteTime, formatDuration, formatRelativeTime } from "../format";
import { cn } from "../ui/cn";
import { isTrialCall } from "./model";

const TH = "h-8 px-3 font-medium text-faint text-xs uppercase tracking-wide";
const TD = "h-9 px-3 align-middle";

export function ToolCalls({ version, now }: { version: ToolVersionDetail; now: number }) {
  const calls = version.calls;
  const failures = calls.filter((c) => !c.ok).length;
  return (
    <section
      aria-labelledby="calls-heading"
      data-testid="tool-calls"
      className="overflow-hidden rounded-lg border border-line bg-panel"
    >
      <div className="flex h-10 items-center gap-2 border-line border-b px-4">
        <h3 id="calls-heading" className="font-medium text-fg">
          Calls of v{version.version}
        </h3>
        {calls.length > 0 ? (
          <span className="text-faint text-xs tabular-nums">
            {calls.length === 20 ? "latest 20" : calls.length} · {failures} failed
          </span>
        ) : null}
      </div>
      {calls.length === 0 ? (
        <p data-testid="tool-calls-empty" className="px-4 py-4 text-muted">
          {version.status === "proposed"
            ? "Not called yet. The proposing session can try it before anyone approves it; its calls show up here."
            : "No calls recorded for this version."}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">Recent calls of this version, newest first</caption>
            <thead className="border-line border-b">
              <tr>
                <th scope="col" className={TH}>
                  When
                </th>
                <th scope="col" className={TH}>
                  Result
                </th>
                <th scope="col" className={cn(TH, "text-right")}>
                  Took
                </th>
                <th scope="col" className={TH}>
                  Input
                </th>
                <th scope="col" className={TH}>
                  Session
                </th>
              </tr>
            </thead>
            <tbody>
              {calls.map((call) => (
                <tr
                  key={call.id}
                  data-testid="tool-call-row"
                  data-ok={call.ok ? "true" : "false"}
                  className="border-line border-b last:border-b-0"
                >
                  <td className={cn(TD, "whitespace-nowrap text-muted tabular-nums")}>
                    <time dateTime={call.createdAt} title={formatAbsoluteTime(call.createdAt)}>
                      {formatRelativeTime(call.createdAt, now)}
                    </time>
                    {isTrialCall(call, version) ? (
                      <span
                        title="Called before approval, in the session that proposed it"
                        className="ml-2 rounded border border-line-strong px-1 py-px font-mono text-[10px] text-faint uppercase"
                      >
                        trial
                      </span>
                    ) : null}
                  </td>
                  <td className={cn(TD, "max-w-[26rem]")}>
                    {call.ok ? (
                      <span className="text-emerald-300">ok</span>
                    ) : (
                      <>
                        <span className="text-red-300">{call.errorClass?.replace("_", " ") ?? "error"}</span>
                        {call.errorMessage ? (
                          <ErrorText data-testid="tool-call-error" text={call.errorMessage} />
                        ) : null}
                      </>
                    )}
                  </td>
                  <td className={cn(TD, "whitespace-nowrap text-right text-muted tabular-nums")}>
                    {formatDuration(call.durationMs)}
                  </td>
                  <td className={cn(TD, "max-w-[22rem]")}>
                    <span
                      className="block truncate font-mono text-muted text-xs"
                      title={call.inputSummary ?? ""}
                    >
                      {call.inputSummary || "—"}
                    </span>
                  </td>
                  <td className={cn(TD, "whitespace-nowrap")}>
                    {call.sessionId ? (
                      <Link
                        href={`/sessions/${encodeURIComponent(call.sessionId)}`}
                        className="font-mono text-accent-text text-xs hover:underline"
                      >
                        {call.sessionId.slice(0, 10)}
                      </Link>
                    ) : (
                      <span className="text-faint">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
