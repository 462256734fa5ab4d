import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { listCalls } from "@/lib/db/queries/telemetry";
import { telemetryOverview } from "@/lib/telemetry";
import { CALL_COLUMNS, callCells, DATASETS, type Dataset, overviewTable } from "@/lib/telemetry/datasets";
import { csvLine, toCsv } from "@/lib/telemetry/export";
import { flagParam, requestRange } from "@/lib/telemetry/http";
import type { TimeRange } from "@/lib/telemetry/range";

export const dynamic = "force-dynamic";

const PAGE = 5000;

/**
 * ?dataset=tools|daily|commands|versions|learning|calls &format=csv|json, for the range given
 * (range/since/until). `calls` streams every call in the range (filter with ?tool= and ?failed=1).
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

/** Every call in the range, newest first, read in keyset pages so memory stays flat. */
function streamCalls(
  range: TimeRange,
  filter: { tool?: string; failedOnly: boolean },
  format: "csv" | "json",
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let before: { createdAt: Date; id: string } | undefined;
  let first = true;
  let done = false;
  return new ReadableStream({
    async pull(controller) {
      if (done) return;
      if (first)
        controller.enqueue(encoder.encode(format === "csv" ? csvLine(CALL_COLUMNS) : '{"calls":[\n'));
      const calls = await listCalls({
        since: range.since,
        until: range.until,
        ...filter,
        before,
        limit: PAGE,
      });
      let chunk = "";
      for (const call of calls) {
        chunk += format === "csv" ? csvLine(callCells(call)) : `${first ? "" : ",\n"}${JSON.stringify(call)}`;
        first = false;
      }
      first = false;
      const last = calls.at(-1);
      if (chunk) controller.enqueue(encoder.encode(chunk));
      if (calls.length < PAGE || !last) {
        if (format === "json") controller.enqueue(encoder.encode("\n]}\n"));
        controller.close();
        done = true;
        return;
      }
      before = { createdAt: new Date(last.createdAt), id: last.id };
    },
  });
}
