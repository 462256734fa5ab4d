import { describe, expect, it } from "vitest";
import { actorOf, route } from "@/lib/api/handler";
import { createUser } from "./users";

const unique = () => Math.random().toString(36).slice(2, 10);
const params = { params: Promise.resolve({}) };

function call(handler: ReturnType<typeof route>, token: string, method = "GET"): Promise<Response> {
  return handler(
    new Request("http://127.0.0.1:3000/api/x", {
      method,
      headers: { host: "127.0.0.1:3000", authorization: `Bearer ${token}` },
    }),
    params,
  );
}

const echo = route(async (request, _params, { actor }) =>
  Response.json({ name: actor.name, same: actorOf(request) === actor }),
);
const approve = route(async (_request, _params, { actor }) => Response.json({ by: actor.name }), {
  role: "approver",
});

describe("route() roles", () => {
  it("lets every role read, members change by default, and a route ask for more", async () => {
    const tokens = Object.fromEntries(
      await Promise.all(
        (["viewer", "member", "approver", "admin"] as const).map(async (role) => [
          role,
          (await createUser({ name: `${role}-${unique()}`, role })).token,
        ]),
      ),
    ) as Record<"viewer" | "member" | "approver" | "admin", string>;

    const viewerGet = await call(echo, tokens.viewer);
    expect(viewerGet.status).toBe(200);
    expect(await viewerGet.json()).toMatchObject({ same: true });

    const viewerPost = await call(echo, tokens.viewer, "POST");
    expect(viewerPost.status).toBe(403);
    expect((await viewerPost.json()).error.message).toMatch(/needs the member role \(run sessions\)/);
    expect((await call(echo, tokens.member, "POST")).status).toBe(200);

    for (const role of ["viewer", "member"] as const) {
      const refused = await call(approve, tokens[role], "POST");
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toMatchObject({ code: "forbidden" });
    }
    for (const role of ["approver", "admin"] as const)
      expect((await call(approve, tokens[role], "POST")).status).toBe(200);
    expect((await call(approve, "unit-test-token-0123456789abcdef0123", "POST")).status).toBe(200);
  });

  it("leaves a single-user install unchanged: the one token can do everything", async () => {
    const admin = route(async () => Response.json({ ok: true }), { role: "admin" });
    expect((await call(admin, "unit-test-token-0123456789abcdef0123", "PUT")).status).toBe(200);
  });
});
