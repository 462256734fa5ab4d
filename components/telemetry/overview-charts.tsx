"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { CommandStat, DailyPoint, ToolHealth } from "@/lib/telemetry/views";
import { formatDuration, formatPercent } from "../format";
import { needsDots } from "./chart-model";
import { AXIS, CLASS_COLORS, colorFor, GRID, TOOLTIP_STYLE } from "./palette";
import { Card } from "./section";

const TOP = 6;

function ChartBox({
  title,
  testId,
  children,
  height = 220,
}: {
  title: string;
  testId: string;
  children: React.ReactElement;
  height?: number;
}) {
  return (
    <Card title={title} testId={testId}>
      <div style={{ height }} className="w-full">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

const dayLabel = (day: string) => day.slice(5);

/** The overview charts: success over time per tool, calls per day, latency, failure classes, failing commands. */
export default function OverviewCharts({
  daily,
  tools,
  commands,
}: {
  daily: DailyPoint[];
  tools: ToolHealth[];
  commands: CommandStat[];
}) {
  const used = tools.filter((t) => t.calls > 0);
  const top = used.slice(0, TOP).map((t) => t.tool);
  const rest = new Set(used.slice(TOP).map((t) => t.tool));
  const classes = [...new Set(daily.flatMap((d) => Object.keys(d.byClass)))].sort();
  const rows = daily.map((d) => {
    const row: Record<string, number | string | null> = {
      day: dayLabel(d.day),
      p50: d.p50Ms,
      p95: d.p95Ms,
      other: 0,
    };
    for (const tool of top) {
      const [calls, ok] = d.byTool[tool] ?? [0, 0];
      row[`calls:${tool}`] = calls;
      row[`rate:${tool}`] = calls ? (ok / calls) * 100 : null;
    }
    for (const [tool, [calls]] of Object.entries(d.byTool))
      if (rest.has(tool)) row.other = Number(row.other) + calls;
    for (const c of classes) row[`class:${c}`] = d.byClass[c] ?? 0;
    return row;
  });
  const failing = commands.filter((c) => c.failures > 0).slice(0, 10);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartBox title="Success rate per tool, by day" testId="chart-success">
        <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="day" {...AXIS} minTickGap={16} />
          <YAxis {...AXIS} width={40} domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} />
          <Tooltip {...TOOLTIP_STYLE} formatter={(v) => formatPercent(Number(v) / 100)} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {top.map((tool, i) => (
            <Line
              key={tool}
              name={tool}
              dataKey={`rate:${tool}`}
              stroke={colorFor(tool, i)}
              dot={needsDots(rows.map((r) => r[`rate:${tool}`] as number | null))}
              strokeWidth={1.5}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ChartBox>
      <ChartBox title="Calls per day" testId="chart-calls">
        <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="day" {...AXIS} minTickGap={16} />
          <YAxis {...AXIS} width={48} allowDecimals={false} />
          <Tooltip {...TOOLTIP_STYLE} cursor={{ fill: "#ffffff08" }} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {top.map((tool, i) => (
            <Bar
              key={tool}
              name={tool}
              dataKey={`calls:${tool}`}
              stackId="calls"
              fill={colorFor(tool, i)}
              isAnimationActive={false}
            />
          ))}
          {rest.size ? (
            <Bar name="other" dataKey="other" stackId="calls" fill="#52525b" isAnimationActive={false} />
          ) : null}
        </BarChart>
      </ChartBox>
      <ChartBox title="Latency, all tools: p50 and p95 by day" testId="chart-latency">
        <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="day" {...AXIS} minTickGap={16} />
          <YAxis
            {...AXIS}
            width={56}
            scale="log"
            domain={["auto", "auto"]}
            allowDataOverflow
            tickFormatter={(v: number) => formatDuration(v)}
          />
          <Tooltip {...TOOLTIP_STYLE} formatter={(v) => formatDuration(Number(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line
            name="p50"
            dataKey="p50"
            stroke="#818cf8"
            dot={needsDots(daily.map((d) => d.p50Ms))}
            strokeWidth={1.5}
            isAnimationActive={false}
            connectNulls
          />
          <Line
            name="p95"
            dataKey="p95"
            stroke="#a78bfa"
            strokeDasharray="4 3"
            dot={needsDots(daily.map((d) => d.p95Ms))}
            strokeWidth={1.5}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      </ChartBox>
      <ChartBox title="Failures by class, by day" testId="chart-failures">
        <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis dataKey="day" {...AXIS} minTickGap={16} />
          <YAxis {...AXIS} width={48} allowDecimals={false} />
          <Tooltip {...TOOLTIP_STYLE} cursor={{ fill: "#ffffff08" }} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {classes.map((c, i) => (
            <Bar
              key={c}
              name={c.replace("_", " ")}
              dataKey={`class:${c}`}
              stackId="f"
              fill={colorFor(c, i, CLASS_COLORS)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ChartBox>
      {failing.length ? (
        <ChartBox
          title="Top failing commands (normalized)"
          testId="chart-commands"
          height={Math.max(120, failing.length * 28 + 30)}
        >
          <BarChart data={failing} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID} horizontal={false} />
            <XAxis type="number" {...AXIS} allowDecimals={false} />
            <YAxis
              type="category"
              dataKey="command"
              {...AXIS}
              width={150}
              tick={{ ...AXIS.tick, fontFamily: "var(--font-mono)" }}
            />
            <Tooltip
              {...TOOLTIP_STYLE}
              cursor={{ fill: "#ffffff08" }}
              formatter={(v, _n, item) => [
                `${v} of ${item.payload.calls} (${formatPercent(item.payload.failureRate)})`,
                "failed",
              ]}
            />
            <Bar dataKey="failures" fill="#fbbf24" isAnimationActive={false} />
          </BarChart>
        </ChartBox>
      ) : null}
    </div>
  );
}
