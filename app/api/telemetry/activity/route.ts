import { route } from "@/lib/api/handler";
import { activityPage, activityQuery } from "@/lib/telemetry/activity-feed";
import type { ActivityPage } from "@/lib/telemetry/views";

export const dynamic = "force-dynamic";

/**
 * Tool calls, model steps, skill loads, frictions, learning events and reflections as one stream,
 * newest first: ?kinds=&session=&limit=100&cursor= and the range (range, or since/until).
 */
export const GET = route(async (request) =>
  Response.json((await activityPage(activityQuery(request))) satisfies ActivityPage),
);
