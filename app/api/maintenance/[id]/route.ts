import { route } from "@/lib/api/handler";
import { findMaintenanceRun } from "@/lib/db/queries/maintenance";
import { ApiError } from "@/lib/errors";
import { withRunEvaluations } from "@/lib/evaluation/views";
import { maintenanceRunView } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { id }) => {
  const run = await findMaintenanceRun(id);
  if (!run) throw new ApiError("not_found", `No battery change ${id}.`);
  return Response.json(await withRunEvaluations(maintenanceRunView(run)));
});
