import Link from "next/link";
import type { ToolVersionDetail } from "@/lib/tools/views";
import { ErrorText } from "../error-text";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { cn } from "../ui/cn";
import { verdictOfUse } from "./model";

const TONE = {
  none: "text-muted",
  good: "text-emerald-300",
  bad: "text-red-300",
} as const;

/**
 * Beside the validation verdict on the approval card: how the version did in real calls (a
 * proposal's trial calls in its session), with the newest failures and their errors.
 */
export function TrialUse({ version, now }: { version: ToolVersionDetail; now: number }) {
  const trial = version.status === "proposed" || version.status === "invalid";
  const verdict = verdictOfUse(version.use, trial);
  const { use } = version;
  return (
    <div data-testid="trial-use" data-tone={verdict.tone} className="flex flex-col gap-1.5">
      <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium text-faint text-xs uppercase tracking-wide">
          {trial ? "In trial calls" : "In use"}
        </span>
        <span data-testid="trial-use-verdict" className={cn(TONE[verdict.tone])}>
          {verdict.text}
        </span>
        {use.calls > 0 ? (
          <span data-testid="trial-use-counts" className="text-faint text-xs tabular-nums">
            {use.calls} {use.calls === 1 ? "call" : "calls"} · {use.successes} ok · {use.failures} failed
          </span>
        ) : null}
      </p>
      {use.lastFailures.length > 0 ? (
        <ul aria-label="Newest failed calls" className="flex flex-col gap-1.5">
          {use.lastFailures.map((f) => (
            <li
              key={`${f.createdAt}:${f.sessionId}`}
              data-testid="trial-use-failure"
              className="rounded-md border border-red-400/20 bg-red-400/[0.05] px-2.5 py-1.5"
            >
              <span className="flex flex-wrap gap-x-2 text-faint text-xs">
                <span className="text-red-300">{f.errorClass?.replace("_", " ") ?? "error"}</span>
                <time dateTime={f.createdAt} title={formatAbsoluteTime(f.createdAt)}>
                  {formatRelativeTime(f.createdAt, now)}
                </time>
                <Link
                  href={`/sessions/${encodeURIComponent(f.sessionId)}`}
                  className="font-mono text-accent-text hover:underline"
                >
                  {f.sessionId.slice(0, 10)}
                </Link>
              </span>
              {f.errorMessage ? (
                <ErrorText text={f.errorMessage} />
              ) : (
                <span className="text-faint text-xs">No error was recorded for this call.</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
