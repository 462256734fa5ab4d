import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { ROLES } from "@/lib/team/roles";
import { createUser, listUsers } from "@/lib/team/users";
import type { UserList, UserWithToken } from "@/lib/team/views";

export const dynamic = "force-dynamic";

const body = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(40),
  role: z.enum(ROLES),
});

export const GET = route(async () => Response.json({ users: await listUsers() } satisfies UserList), {
  action: "user.list",
});

/** The token is in this response only; Ratchet keeps its hash. */
export const POST = route(
  async (request, _params, { audit }) => {
    const { user, token } = await createUser(await readJson(request, body));
    await audit(user.name, { role: user.role });
    return Response.json({ user, token } satisfies UserWithToken, { status: 201 });
  },
  { action: "user.create" },
);
