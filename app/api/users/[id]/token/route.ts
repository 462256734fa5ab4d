import { route } from "@/lib/api/handler";
import { resetUserToken } from "@/lib/team/users";
import type { UserWithToken } from "@/lib/team/views";

export const dynamic = "force-dynamic";

/** A new token for a user (the old one and the browsers logged in with it stop working); shown once. */
export const POST = route<{ id: string }>(
  async (_request, { id }, { audit }) => {
    const { user, token } = await resetUserToken(id);
    await audit(user.name);
    return Response.json({ user, token } satisfies UserWithToken);
  },
  { action: "user.token" },
);
