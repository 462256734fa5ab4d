import type { LearningHealth, SpendHealth, TierSpend } from "@/lib/telemetry/views";
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
      <TierSpendTable tiers={spend.byTier} />
      <LazyLearningCharts learning={learning} spend={spend} />
    </div>
  );
}

const TIER_NAMES: Record<TierSpend["tier"], string> = {
  fast: "fast",
  strong: "strong",
  untiered: "no tiers",
};

/** Cost, tokens and steps per model tier (Settings → fast and strong model), with the models that answered. */
function TierSpendTable({ tiers }: { tiers: TierSpend[] }) {
  if (!tiers.some((t) => t.tier !== "untiered")) return null;
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-panel">
      <table className="w-full text-sm" data-testid="tier-spend">
        <caption className="px-3 pt-2 text-left text-faint text-xs uppercase tracking-wide">
          Spend per model tier
        </caption>
        <thead className="text-faint text-xs">
          <tr>
            <th className="px-3 py-1.5 text-left font-normal">Tier</th>
            <th className="px-3 py-1.5 text-left font-normal">Models</th>
            <th className="px-3 py-1.5 text-right font-normal">Steps</th>
            <th className="px-3 py-1.5 text-right font-normal">Tokens</th>
            <th className="px-3 py-1.5 text-right font-normal">Cost</th>
            <th className="px-3 py-1.5 text-right font-normal">Per step</th>
          </tr>
        </thead>
        <tbody>
          {tiers.map((t) => (
            <tr key={t.tier} data-testid={`tier-spend-${t.tier}`} className="border-line border-t">
              <td className="px-3 py-1.5 text-fg">{TIER_NAMES[t.tier]}</td>
              <td className="px-3 py-1.5 font-mono text-muted text-xs">{t.models.join(", ")}</td>
              <td className="px-3 py-1.5 text-right tabular-nums">{t.steps.toLocaleString()}</td>
              <td className="px-3 py-1.5 text-right tabular-nums">
                {formatTokens(t.inputTokens + t.outputTokens)}
              </td>
              <td className="px-3 py-1.5 text-right font-mono tabular-nums" data-testid="tier-spend-cost">
                {formatCost(t.costUsd)}
              </td>
              <td className="px-3 py-1.5 text-right font-mono tabular-nums">{formatCost(t.costPerStep)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
