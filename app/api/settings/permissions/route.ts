import { readJson, route } from "@/lib/api/handler";
import { permissionSettingsSchema } from "@/lib/permissions/rules";
import { loadPermissions, savePermissions } from "@/lib/permissions/settings";
import { type PermissionsView, permissionsView } from "@/lib/permissions/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json((await permissionsView()) satisfies PermissionsView));

/** Approver: the rules decide what every session's agent may run without a person's say. */
export const PUT = route(
  async (request, _params, { audit }) => {
    const next = await readJson(request, permissionSettingsSchema);
    const previous = await loadPermissions();
    const saved = await savePermissions(next);
    await audit(null, { saved, previous });
    return Response.json((await permissionsView()) satisfies PermissionsView);
  },
  { action: "permissionRules.edit" },
);
