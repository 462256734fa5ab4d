import type { Dataset } from "@/lib/telemetry/datasets";
import { telemetryApi } from "../api-client";

const DATASETS: { id: Dataset; label: string }[] = [
  { id: "tools", label: "Tool health" },
  { id: "daily", label: "Per day" },
  { id: "commands", label: "Failing commands" },
  { id: "versions", label: "Version scorecards" },
  { id: "learning", label: "Learning loop & spend" },
  { id: "calls", label: "Every call (large)" },
  { id: "activity", label: "Activity stream (large)" },
];

/** Downloads through the export API; a <details> menu works without JavaScript. */
export function ExportMenu({ range }: { range: string }) {
  return (
    <details className="relative" data-testid="export-menu">
      <summary className="inline-flex h-8 cursor-pointer list-none items-center gap-2 rounded-md border border-line bg-panel-2 px-3 font-medium text-fg hover:border-line-strong hover:bg-hover">
        Export
      </summary>
      <div className="absolute right-0 z-10 mt-1 w-64 rounded-md border border-line-strong bg-panel-2 p-1 shadow-black/50 shadow-lg">
        {DATASETS.map((d) => (
          <div
            key={d.id}
            className="flex items-center justify-between gap-2 rounded px-2 py-1.5 text-sm hover:bg-hover"
          >
            <span className="text-muted">{d.label}</span>
            <span className="flex gap-2">
              {(["csv", "json"] as const).map((format) => (
                <a
                  key={format}
                  data-testid={`export-${d.id}-${format}`}
                  href={telemetryApi.exportHref({ dataset: d.id, format, range })}
                  download
                  className="font-mono text-accent-text text-xs uppercase hover:underline"
                >
                  {format}
                </a>
              ))}
            </span>
          </div>
        ))}
      </div>
    </details>
  );
}
