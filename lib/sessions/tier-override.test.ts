import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { testWorkspace } from "@/lib/testing/workspace";
import { updateSession, updateSessionSchema } from "./service";
import { sessionView } from "./views";

let workspace: string;

beforeAll(async () => {
  workspace = testWorkspace("tier-override-");
  await saveModelSettings({ baseUrl: "http://127.0.0.1:9/v1", model: "small", strongModel: "big" });
});

const newSession = () => createSession({ title: "t", workspace, budgetUsd: null, model: "small" });

describe("PATCH /api/sessions/:id tierOverride", () => {
  it.each(["auto", "fast", "strong"])("%s is stored and read back", async (tier) => {
    const { id } = await newSession();
    const change = updateSessionSchema.parse({ tierOverride: tier });
    await updateSession(id, change);
    expect((await findSession(id))?.tierOverride).toBe(tier);
    expect((await sessionView(id)).tierOverride).toBe(tier);
  });

  it.each<unknown>([
    "STRONG",
    " strong",
    "strong\u0000",
    "turbo",
    "",
    null,
    1,
    ["strong"],
    { tier: "strong" },
  ])("%j is refused by the schema, so nothing is stored", (value) => {
    expect(updateSessionSchema.safeParse({ tierOverride: value }).success).toBe(false);
  });

  it("a column holding anything else (written by hand) reads as auto", async () => {
    const { id } = await newSession();
    await db().session.update({ where: { id }, data: { tierOverride: "strong; drop table" } });
    expect((await sessionView(id)).tierOverride).toBe("auto");
  });

  it("the session says which two models its tiers are, and nothing when no strong model is set", async () => {
    const { id } = await newSession();
    expect((await sessionView(id)).tiers).toEqual({ fast: "small", strong: "big" });
    await saveModelSettings({ strongModel: "" });
    expect((await sessionView(id)).tiers).toBeNull();
  });
});
