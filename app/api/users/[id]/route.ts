import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { ApiError } from "@/lib/errors";
import { ROLES } from "@/lib/team/roles";
import { updateUser } from "@/lib/team/users";
import type { UserUpdated } from "@/lib/team/views";

export const dynamic = "force-dynamic";

const body = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { message: "send role and/or disabled" });

/** Changes a user's role, or disables (and re-enables) them: a disabled user's token and logins stop working. */
export const PATCH = route<{ id: string }>(
  async (request, { id }, { actor, audit }) => {
    const change = await readJson(request, body);
    if (actor.id === id && (change.disabled === true || (change.role && change.role !== "admin"))) {
      throw new ApiError(
        "conflict",
        "You cannot disable or demote yourself; another admin (or the install's own token) can.",
      );
    }
    const { before, after } = await updateUser(id, change);
    if (before.role !== after.role) {
      await audit(after.name, { from: before.role, to: after.role }, "user.role");
    }
    if (Boolean(before.disabledAt) !== Boolean(after.disabledAt)) {
      await audit(after.name, null, after.disabledAt ? "user.disable" : "user.enable");
    }
    return Response.json({ user: after } satisfies UserUpdated);
  },
  { action: "user.update" },
);
