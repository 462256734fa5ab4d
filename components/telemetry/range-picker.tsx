import Link from "next/link";
import { RANGE_PRESETS, type RangePreset } from "@/lib/telemetry/range";
import { cn } from "../ui/cn";

const LABELS: Record<RangePreset, string> = {
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
  all: "All time",
};

/** The time-range filter: plain links, so the server renders the range and the URL can be shared. */
export function RangePicker({ current, tool }: { current: RangePreset | null; tool: string | null }) {
  return (
    <nav
      aria-label="Time range"
      className="flex rounded-md border border-line bg-panel-2 p-0.5"
      data-testid="range-picker"
    >
      {RANGE_PRESETS.map((preset) => {
        const params = new URLSearchParams({ range: preset });
        if (tool) params.set("tool", tool);
        const active = preset === current;
        return (
          <Link
            key={preset}
            href={`/telemetry?${params}`}
            aria-current={active ? "page" : undefined}
            data-testid={`range-${preset}`}
            className={cn(
              "rounded px-2.5 py-1 text-sm transition-colors",
              active ? "bg-hover text-fg" : "text-muted hover:text-fg",
            )}
          >
            {LABELS[preset]}
          </Link>
        );
      })}
    </nav>
  );
}
