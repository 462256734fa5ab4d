import { route } from "@/lib/api/handler";
import type { ActivityKey, ActivityQuery } from "@/lib/db/queries/activity";
import { type CallRow, listCalls } from "@/lib/db/queries/telemetry";
import { ApiError } from "@/lib/errors";
import { telemetryOverview } from "@/lib/telemetry";
import type { ActivityRow } from "@/lib/telemetry/activity";
import { activityQuery, activityRows } from "@/lib/telemetry/activity-feed";
import {
  ACTIVITY_COLUMNS,
  activityCells,
  CALL_COLUMNS,
  callCells,
  DATASETS,
  type Dataset,
  overviewTable,
} from "@/lib/telemetry/datasets";
import { pagedStream, toCsv } from "@/lib/telemetry/export";
import { flagParam, requestRange } from "@/lib/telemetry/http";
import type { TimeRange } from "@/lib/telemetry/range";

export const dynamic = "force-dynamic";

const PAGE = 5000;

/**
 * ?dataset=tools|daily|commands|versions|learning|calls|activity &format=csv|json, for the range given
 * (range/since/until). `calls` streams every call in the range (filter with ?tool= and ?failed=1);
 * `activity` every activity row (filter with ?kinds= and ?session=).
 */
export const GET = route(async (request) => {
  const params = new URL(request.url).searchParams;
  const dataset = (params.get("dataset") ?? "tools") as Dataset;
  const format = params.get("format") ?? "csv";
  if (!DATASETS.includes(dataset))
    throw new ApiError("bad_request", `dataset must be one of ${DATASETS.join(", ")}.`);
  if (format !== "csv" && format !== "json") throw new ApiError("bad_request", "format must be csv or json.");
  const range = requestRange(request);
  const name = `ratchet-telemetry-${dataset}-${range.preset ?? range.since.toISOString().slice(0, 10)}.${format}`;
  const headers = {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="${name}"`,
    "cache-control": "no-store",
  };
  if (dataset === "calls") {
    const filter = { tool: params.get("tool") || undefined, failedOnly: flagParam(request, "failed") };
    return new Response(streamCalls(range, filter, format), { headers });
  }
  if (dataset === "activity")
    return new Response(streamActivity(activityQuery(request), format), { headers });
  const overview = await telemetryOverview(range);
  if (format === "json") {
    const body =
      dataset === "learning"
        ? { range: overview.range, learning: overview.learning, spend: overview.spend }
        : {
            range: overview.range,
            [dataset]: {
              tools: overview.tools,
              daily: overview.daily,
              commands: overview.commands,
              versions: overview.versions,
            }[dataset],
          };
    return new Response(JSON.stringify(body, null, 2), { headers });
  }
  const table = overviewTable(overview, dataset);
  return new Response(toCsv(table.columns, table.rows), { headers });
});

/** Every call in the range, newest first. */
function streamCalls(
  range: TimeRange,
  filter: { tool?: string; failedOnly: boolean },
  format: "csv" | "json",
): ReadableStream<Uint8Array> {
  return pagedStream<CallRow, { createdAt: Date; id: string }>({
    format,
    columns: CALL_COLUMNS,
    cells: callCells,
    key: "calls",
    page: async (before) => {
      const rows = await listCalls({
        since: range.since,
        until: range.until,
        ...filter,
        before,
        limit: PAGE,
      });
      const last = rows.at(-1);
      return {
        rows,
        next: rows.length === PAGE && last ? { createdAt: new Date(last.createdAt), id: last.id } : undefined,
      };
    },
  });
}

/** Every activity row the filters select (kinds, session, range), newest first. */
function streamActivity(query: ActivityQuery, format: "csv" | "json"): ReadableStream<Uint8Array> {
  return pagedStream<ActivityRow, ActivityKey>({
    format,
    columns: ACTIVITY_COLUMNS,
    cells: activityCells,
    key: "activity",
    page: async (before) => {
      const { rows, more } = await activityRows({ ...query, before, limit: PAGE });
      const last = rows.at(-1);
      return {
        rows,
        next: more && last ? { at: new Date(last.at), kind: last.kind, id: last.id } : undefined,
      };
    },
  });
}
