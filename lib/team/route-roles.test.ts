import { describe, expect, it } from "vitest";
import { actionOf, actorOf, route } from "@/lib/api/handler";
import { listAudit } from "./audit";
import { createUser } from "./users";

const unique = () => Math.random().toString(36).slice(2, 10);
const params = { params: Promise.resolve({}) };
const OWNER_TOKEN = process.env.RATCHET_TOKEN ?? "";

function call(handler: ReturnType<typeof route>, token: string, method = "GET"): Promise<Response> {
  return handler(
    new Request("http://127.0.0.1:3000/api/x", {
      method,
      headers: { host: "127.0.0.1:3000", authorization: `Bearer ${token}` },
    }),
    params,
  );
}

async function tokens() {
  return Object.fromEntries(
    await Promise.all(
      (["viewer", "member", "approver", "admin"] as const).map(async (role) => [
        role,
        (await createUser({ name: `${role}-${unique()}`, role })).token,
      ]),
    ),
  ) as Record<"viewer" | "member" | "approver" | "admin", string>;
}

const echo = route(async (request, _params, { actor }) =>
  Response.json({ name: actor.name, same: actorOf(request) === actor }),
);
const approve = route(async (_request, _params, { actor }) => Response.json({ by: actor.name }), {
  action: "tool.approve",
});

describe("route() roles", () => {
  it("lets every role read, and a route's action decides who may change", async () => {
    const t = await tokens();
    const viewerGet = await call(echo, t.viewer);
    expect(viewerGet.status).toBe(200);
    expect(await viewerGet.json()).toMatchObject({ same: true });

    for (const role of ["viewer", "member"] as const) {
      const refused = await call(approve, t[role], "POST");
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toMatchObject({
        code: "forbidden",
        message: expect.stringMatching(
          new RegExp(`^Not allowed: approving a tool needs the approver role; ${role}-\\w+ is a ${role}\\.$`),
        ),
      });
    }
    for (const role of ["approver", "admin"] as const)
      expect((await call(approve, t[role], "POST")).status).toBe(200);
    expect((await call(approve, OWNER_TOKEN, "POST")).status).toBe(200);
  });

  it("refuses a mutation that declares no action to everyone, the owner included, and runs nothing", async () => {
    const t = await tokens();
    let ran = 0;
    const unruled = route(async () => {
      ran++;
      return Response.json({ ok: true });
    });
    expect(actionOf(unruled)).toBeNull();
    for (const method of ["POST", "PUT", "PATCH", "DELETE"])
      for (const token of [...Object.values(t), OWNER_TOKEN]) {
        const response = await call(unruled, token, method);
        expect(response.status).toBe(403);
        expect((await response.json()).error.message).toMatch(/no permission rule/);
      }
    expect(ran).toBe(0);
    expect((await call(unruled, t.viewer, "GET")).status).toBe(200);
  });

  it("records every successful mutation, with the route's action when the handler records nothing", async () => {
    const t = await tokens();
    const target = `probe-${unique()}`;
    const silent = route<{ name: string }>(async () => Response.json({ ok: true }), { action: "skill.save" });
    const failing = route<{ name: string }>(async () => Response.json({ no: true }, { status: 422 }), {
      action: "skill.save",
    });
    const at = { params: Promise.resolve({ name: target }) };
    const request = (token: string) =>
      new Request("http://127.0.0.1:3000/api/skills/x", {
        method: "PUT",
        headers: { host: "127.0.0.1:3000", authorization: `Bearer ${token}` },
      });
    expect((await failing(request(t.approver), at)).status).toBe(422);
    expect((await silent(request(t.viewer), at)).status).toBe(403);
    expect((await listAudit({ target })).entries).toEqual([]);
    expect((await silent(request(t.approver), at)).status).toBe(200);
    const { entries } = await listAudit({ target });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "skill.save",
      target,
      actor: expect.stringMatching(/^approver-/),
    });
  });

  it("audits a mutation of a route without path segments, whose params Next resolves to undefined", async () => {
    const t = await tokens();
    const since = new Date();
    const handler = route(async () => Response.json({ ok: true }), { action: "tool.sync" });
    const request = new Request("http://127.0.0.1:3000/api/tools/sync", {
      method: "POST",
      headers: { host: "127.0.0.1:3000", authorization: `Bearer ${t.approver}` },
    });
    // what `next start` passes for a static route (the unit tests elsewhere pass {})
    const response = await handler(request, {
      params: Promise.resolve(undefined as unknown as Record<string, string>),
    });
    expect(response.status).toBe(200);
    const { entries } = await listAudit({ action: "tool.sync", since });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: null, actor: expect.stringMatching(/^approver-/) });
  });

  it("leaves a single-user install unchanged: the one token can do everything", async () => {
    const admin = route(async () => Response.json({ ok: true }), { action: "settings.update" });
    expect((await call(admin, OWNER_TOKEN, "PUT")).status).toBe(200);
  });
});
