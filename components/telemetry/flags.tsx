import type { ToolFlags } from "@/lib/telemetry/views";

const STYLE =
  "inline-flex items-center rounded border px-1.5 py-px font-medium text-[10px] uppercase tracking-wide";

export function FlagBadges({
  flags,
  unusedAfterSessions,
}: {
  flags: ToolFlags;
  unusedAfterSessions: number;
}) {
  if (!flags.failing && !flags.unused && !flags.regressed)
    return <span className="text-faint text-xs">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {flags.failing ? (
        <span
          data-testid="flag-failing"
          className={`${STYLE} border-red-400/30 bg-red-400/10 text-red-300`}
          title="More than 30 % of its calls failed"
        >
          failing
        </span>
      ) : null}
      {flags.regressed ? (
        <span
          data-testid="flag-regressed"
          className={`${STYLE} border-amber-400/30 bg-amber-400/10 text-amber-300`}
          title="Its current version does worse than the one it replaced"
        >
          regressed
        </span>
      ) : null}
      {flags.unused ? (
        <span
          data-testid="flag-unused"
          className={`${STYLE} border-line-strong bg-panel-2 text-muted`}
          title={`Not called in the last ${unusedAfterSessions} sessions`}
        >
          unused
        </span>
      ) : null}
    </span>
  );
}
