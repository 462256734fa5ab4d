"use client";

import dynamic from "next/dynamic";

/** recharts is loaded after the page, in its own chunk: the table and figures render without it. */
function Placeholder({ rows = 2, cols = 2 }: { rows?: number; cols?: number }) {
  return (
    <div
      className={cols === 3 ? "grid gap-4 lg:grid-cols-3" : "grid gap-4 lg:grid-cols-2"}
      aria-hidden="true"
    >
      {Array.from({ length: rows * cols }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i} className="h-[262px] animate-pulse rounded-lg border border-line bg-panel/60" />
      ))}
    </div>
  );
}

export const LazyOverviewCharts = dynamic(() => import("./overview-charts"), {
  ssr: false,
  loading: () => <Placeholder />,
});

export const LazyLearningCharts = dynamic(() => import("./learning-charts"), {
  ssr: false,
  loading: () => <Placeholder rows={1} cols={3} />,
});
