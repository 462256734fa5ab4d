import { expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSession } from "@/lib/db/queries/sessions";
import { appendEvent } from "@/lib/events/log";

it("stale seq cache after another instance wrote", async () => {
  const s = await createSession({ title: "x", workspace: "/tmp", budgetUsd: null, model: "m" });
  await appendEvent(s.id, { type: "status", status: "running" });
  await db().event.create({ data: { sessionId: s.id, seq: 2, type: "status", data: { status: "idle" } } });
  const r = await appendEvent(s.id, { type: "status", status: "running" }).then(
    () => "ok",
    (e: unknown) => `failed: ${String(e).slice(0, 120)}`,
  );
  console.log("RESULT", r);
  expect(r).toBe("ok");
  const rows = await db().event.findMany({ where: { sessionId: s.id }, orderBy: { seq: "asc" } });
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
});
