import type { LearningHealth, SpendHealth } from "@/lib/telemetry/views";
import { formatCost, formatPercent, formatTokens } from "../format";
import { LazyLearningCharts } from "./lazy-charts";
import { Stat } from "./section";

function tone(rate: number | null, good: number, warn: number): "good" | "warn" | "bad" | undefined {
  if (rate === null) return undefined;
  return rate >= good ? "good" : rate >= warn ? "warn" : "bad";
}

/** Learning-loop health and spend: the figures first, the charts lazily. */
export function LearningPanel({ learning, spend }: { learning: LearningHealth; spend: SpendHealth }) {
  const perSession = Object.values(learning.perSessionBySource).reduce((a, b) => a + b, 0);
  const bySource = Object.entries(learning.perSessionBySource)
    .sort((a, b) => b[1] - a[1])
    .map(([source, n]) => `${source} ${n.toFixed(2)}`)
    .join(" · ");
  const memory = learning.workingMemory;
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat
          label="Learning events / session"
          value={learning.sessions ? perSession.toFixed(2) : "—"}
          detail={bySource || "none yet"}
          testId="stat-learning"
        />
        <Stat
          label="Reflection coverage"
          value={formatPercent(learning.reflection.coverage)}
          detail={`${learning.reflection.reflected} of ${learning.reflection.eligible} sessions${learning.reflection.failed ? ` · ${learning.reflection.failed} failed` : ""}`}
          tone={tone(learning.reflection.coverage, 0.9, 0.6)}
          testId="stat-reflection"
        />
        <Stat
          label="Friction → tool"
          value={formatPercent(learning.friction.rate)}
          detail={`${learning.friction.converted} of ${learning.friction.total} built or changed a tool${learning.friction.pending ? ` · ${learning.friction.pending} open` : ""}`}
          testId="stat-friction"
        />
        <Stat
          label="Working memory used"
          value={`${memory.used} of ${memory.learningEvents}`}
          detail={`learnings in prompts, ${memory.uses.toLocaleString()} uses${memory.version ? ` · v${memory.version}, ${memory.items} items` : ""}`}
          testId="stat-memory"
        />
        <Stat
          label="Per session"
          value={formatCost(spend.costPerSession)}
          detail={`${formatTokens(Math.round(spend.tokensPerSession ?? 0))} tokens · ${spend.sessions} sessions`}
          testId="stat-cost-session"
        />
        <Stat
          label="Per completed task"
          value={formatCost(spend.costPerTask)}
          detail={`${formatTokens(Math.round(spend.tokensPerTask ?? 0))} tokens · ${spend.completedTasks} tasks`}
          testId="stat-cost-task"
        />
      </div>
      <LazyLearningCharts learning={learning} spend={spend} />
    </div>
  );
}
