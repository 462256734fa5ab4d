"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { DailyPoint } from "@/lib/telemetry/views";
import { formatDuration } from "../format";
import { needsDots } from "./chart-model";
import { AXIS, GRID, TOOLTIP_STYLE } from "./palette";

/** One tool per day: calls (ok / failed) as bars, p50 and p95 duration as lines on the right axis. */
export default function ToolDailyChart({ days }: { days: DailyPoint[] }) {
  const data = days.map((d) => ({
    day: d.day.slice(5),
    ok: d.calls - d.failed,
    failed: d.failed,
    p50: d.p50Ms,
    p95: d.p95Ms,
  }));
  return (
    <div data-testid="chart-tool-daily" className="h-44 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="day" {...AXIS} minTickGap={16} />
          <YAxis yAxisId="calls" {...AXIS} width={40} allowDecimals={false} />
          <YAxis
            yAxisId="ms"
            orientation="right"
            {...AXIS}
            width={56}
            tickFormatter={(v: number) => formatDuration(v)}
          />
          <Tooltip
            {...TOOLTIP_STYLE}
            formatter={(value, name) =>
              name === "p50" || name === "p95"
                ? formatDuration(Number(value))
                : Number(value).toLocaleString()
            }
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar
            yAxisId="calls"
            dataKey="ok"
            stackId="c"
            fill="#34d399"
            fillOpacity={0.7}
            isAnimationActive={false}
          />
          <Bar yAxisId="calls" dataKey="failed" stackId="c" fill="#f87171" isAnimationActive={false} />
          <Line
            yAxisId="ms"
            dataKey="p50"
            stroke="#818cf8"
            dot={needsDots(days.map((d) => d.p50Ms))}
            strokeWidth={1.5}
            isAnimationActive={false}
            connectNulls
          />
          <Line
            yAxisId="ms"
            dataKey="p95"
            stroke="#a78bfa"
            strokeDasharray="4 3"
            dot={needsDots(days.map((d) => d.p95Ms))}
            strokeWidth={1.5}
            isAnimationActive={false}
            connectNulls
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
