import { route } from "@/lib/api/handler";
import { ROLE_RIGHTS } from "@/lib/team/roles";

export const dynamic = "force-dynamic";

/** Who the caller is: the install's owner or a team member, with their role. */
export const GET = route(async (_request, _params, { actor }) =>
  Response.json({
    kind: actor.kind,
    id: actor.id,
    name: actor.name,
    role: actor.role,
    rights: ROLE_RIGHTS[actor.role],
  }),
);
