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
import type { LearningHealth, SpendHealth } from "@/lib/telemetry/views";
import { formatCost } from "../format";
import { moneyAxis, needsDots } from "./chart-model";
import { AXIS, colorFor, GRID, SOURCE_COLORS, TOOLTIP_STYLE } from "./palette";
import { Card } from "./section";

/** Learning events per day by source, skill loads per skill, and spend per session and per completed task. */
export default function LearningCharts({
  learning,
  spend,
}: {
  learning: LearningHealth;
  spend: SpendHealth;
}) {
  const sources = [...new Set(learning.learningByDay.flatMap((d) => Object.keys(d.bySource)))].sort();
  const learningRows = learning.learningByDay.map((d) => ({ day: d.day.slice(5), ...d.bySource }));
  const spendRows = spend.daily.map((d) => ({
    day: d.day.slice(5),
    perSession: d.costPerSession,
    perTask: d.costPerTask,
  }));
  const skills = learning.skills.slice(0, 10);
  const money = moneyAxis(spendRows.flatMap((r) => [r.perSession, r.perTask]));
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Card title="Learning events by source, per day" testId="chart-learning">
        <div className="h-52 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={learningRows} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} vertical={false} />
              <XAxis dataKey="day" {...AXIS} minTickGap={16} />
              <YAxis {...AXIS} width={32} allowDecimals={false} />
              <Tooltip {...TOOLTIP_STYLE} cursor={{ fill: "#ffffff08" }} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {sources.map((s, i) => (
                <Bar
                  key={s}
                  dataKey={s}
                  stackId="l"
                  fill={colorFor(s, i, SOURCE_COLORS)}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Skill loads per skill" testId="chart-skills">
        <div className="h-52 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={skills} layout="vertical" margin={{ top: 0, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} horizontal={false} />
              <XAxis type="number" {...AXIS} allowDecimals={false} />
              <YAxis type="category" dataKey="skill" {...AXIS} width={120} />
              <Tooltip {...TOOLTIP_STYLE} cursor={{ fill: "#ffffff08" }} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Bar dataKey="loaded" fill="#818cf8" isAnimationActive={false} />
              <Bar dataKey="suggested" fill="#3f3f46" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Cost per session and per completed task" testId="chart-spend">
        <div className="h-52 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={spendRows} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} vertical={false} />
              <XAxis dataKey="day" {...AXIS} minTickGap={16} />
              <YAxis
                {...AXIS}
                width={60}
                ticks={money.ticks}
                domain={[0, money.top]}
                tickFormatter={(v: number) => money.format(v)}
              />
              <Tooltip {...TOOLTIP_STYLE} formatter={(v) => formatCost(Number(v))} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Line
                name="per session"
                dataKey="perSession"
                stroke="#38bdf8"
                dot={needsDots(spendRows.map((r) => r.perSession))}
                strokeWidth={1.5}
                isAnimationActive={false}
                connectNulls
              />
              <Line
                name="per completed task"
                dataKey="perTask"
                stroke="#34d399"
                dot={needsDots(spendRows.map((r) => r.perTask))}
                strokeWidth={1.5}
                isAnimationActive={false}
                connectNulls
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </Card>
    </div>
  );
}
