import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { ActivityFeed } from "@/components/telemetry/activity-feed";
import { AsksTable } from "@/components/telemetry/asks-table";
import { CommandsTable } from "@/components/telemetry/commands-table";
import { ExportMenu } from "@/components/telemetry/export-menu";
import { LazyOverviewCharts } from "@/components/telemetry/lazy-charts";
import { LearningPanel } from "@/components/telemetry/learning-panel";
import { RangePicker } from "@/components/telemetry/range-picker";
import { HypothesisScorecards, VersionScorecards } from "@/components/telemetry/scorecards";
import { Section } from "@/components/telemetry/section";
import { SummaryTiles } from "@/components/telemetry/summary-tiles";
import { ToolHealthTable } from "@/components/telemetry/tool-health";
import { askStats } from "@/lib/permissions/telemetry";
import { telemetryOverview } from "@/lib/telemetry";
import { ACTIVITY_KINDS } from "@/lib/telemetry/activity";
import { activityPage } from "@/lib/telemetry/activity-feed";
import { DEFAULT_PRESET, isPreset, presetRange } from "@/lib/telemetry/range";

export const metadata: Metadata = { title: "Telemetry" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Rows of the Activity section per page. */
const ACTIVITY_ROWS = 25;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

/** `?range=7d` picks the range (24h, 7d, 30d, 90d, all); `?tool=x` opens that tool's calls. */
export default async function TelemetryPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const requested = first(params.range);
  const preset = isPreset(requested) ? requested : DEFAULT_PRESET;
  const tool = first(params.tool);
  const range = presetRange(preset);
  const [overview, activity, asks] = await Promise.all([
    telemetryOverview(range),
    activityPage({ since: range.since, until: range.until, kinds: ACTIVITY_KINDS, limit: ACTIVITY_ROWS }),
    askStats(range),
  ]);
  const empty = overview.totals.calls === 0;
  return (
    <>
      <PageHeader
        title="Telemetry"
        description="What the agent's tools do and how the learning loop is going: where it fails, what got slower, what to fix next."
        actions={
          <>
            <RangePicker current={preset} tool={tool} />
            <ExportMenu range={preset} />
          </>
        }
      />
      <div className="w-full max-w-7xl space-y-10 px-4 md:px-8 py-6">
        <SummaryTiles overview={overview} />
        <Section
          id="tools"
          title="Tool health"
          description={`Success counts the tool working; a command that exits non-zero is the command's failure (exit≠0). Flags: failing above ${Math.round(overview.settings.failingAbove * 100)} %, unused in the last ${overview.settings.unusedAfterSessions} sessions, regressed since the last version change. Select a tool to list its calls.`}
        >
          {empty && overview.tools.every((t) => t.calls === 0) ? (
            <EmptyState title="No tool calls in this range">
              <p data-testid="telemetry-empty">
                Nothing recorded in this range. Run a session, or pick a longer range; every tool call is
                recorded here.
              </p>
            </EmptyState>
          ) : null}
          <ToolHealthTable
            tools={overview.tools}
            range={preset}
            initialTool={tool}
            unusedAfterSessions={overview.settings.unusedAfterSessions}
          />
        </Section>
        {empty ? null : (
          <Section
            id="charts"
            title="Over time"
            description="Days are UTC. Percentiles are exact below 256 ms and within 2.2 % above."
          >
            <LazyOverviewCharts daily={overview.daily} tools={overview.tools} commands={overview.commands} />
          </Section>
        )}
        <Section
          id="commands"
          title="Commands"
          description="run_command grouped by what the command does, not its arguments: npm test -- a and npm test -- b are one row."
        >
          <CommandsTable commands={overview.commands} />
        </Section>
        <Section
          id="asks"
          title="Permission asks"
          description="Tool calls that waited for a person under an ask rule (Settings → Permissions), per rule: how they were answered, how many timed out (a deny) or were stopped, and the median time to an answer."
        >
          <AsksTable asks={asks} />
        </Section>
        <Section
          id="learning"
          title="Learning loop"
          description="Is the agent learning: learnings logged, sessions reflected on, friction turned into tools, skills and working memory used, and what it all costs."
        >
          <LearningPanel learning={overview.learning} spend={overview.spend} />
        </Section>
        <Section
          id="activity"
          title="Activity"
          description="Tool calls, model steps, skill loads, frictions, learnings and reflections as they happened, newest first."
        >
          <ActivityFeed key={preset} range={preset} pageSize={ACTIVITY_ROWS} initial={activity} />
        </Section>
        <Section
          id="versions"
          title="Tool versions: before and after"
          description="Every version of an agent or user tool against the version it replaced, over all their calls. Regressed: success at least 5 points lower (significant) or the median 1.5× slower, with 20 calls each."
        >
          <VersionScorecards versions={overview.versions} />
        </Section>
        {overview.hypotheses.length ? (
          <Section
            id="hypotheses"
            title="Hypotheses"
            description="What the maintenance passes expected from a change, and what happened."
          >
            <HypothesisScorecards hypotheses={overview.hypotheses} />
          </Section>
        ) : null}
      </div>
    </>
  );
}
