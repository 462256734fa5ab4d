import { describe, expect, it } from "vitest";
import { OWNER } from "./actor";
import { audit, listAudit, redactDetail } from "./audit";

const run = Math.random().toString(36).slice(2, 10);
const alice = { kind: "user", id: "u1", name: `alice-${run}`, role: "approver" } as const;

describe("audit log", () => {
  it("records who did what to which target, newest first, filterable and paged", async () => {
    const from = new Date(Date.now() - 1000);
    await audit(alice, "tool.approve", `count_${run}`, { version: 2, sha256: "ab".repeat(32) });
    await audit(alice, "tool.reject", `shout_${run}`, { reason: "too loud" });
    await audit(OWNER, "settings.update", null, { fields: ["model"], apiKey: "sk-secret-value" });
    await audit(alice, "skill.save", `skill-${run}`, { version: 3 });

    const mine = await listAudit({ actor: alice.name });
    expect(mine.entries.map((e) => e.action)).toEqual(["skill.save", "tool.reject", "tool.approve"]);
    expect(mine.entries[2]).toMatchObject({
      actor: alice.name,
      target: `count_${run}`,
      detail: { version: 2, sha256: "ab".repeat(32) },
    });
    expect(Date.parse(mine.entries[2]?.at ?? "")).toBeGreaterThanOrEqual(from.getTime());

    const tools = await listAudit({ actor: alice.name, action: "tool." });
    expect(tools.entries.map((e) => e.action)).toEqual(["tool.reject", "tool.approve"]);
    expect((await listAudit({ action: "tool.reject", target: `shout_${run}` })).entries).toHaveLength(1);
    expect((await listAudit({ actor: alice.name, since: new Date(Date.now() + 60_000) })).entries).toEqual(
      [],
    );
    expect((await listAudit({ actor: alice.name, until: from })).entries).toEqual([]);

    const first = await listAudit({ actor: alice.name, limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.next).toBe(first.entries[1]?.id);
    const second = await listAudit({ actor: alice.name, limit: 2, before: first.next ?? "" });
    expect(second.entries.map((e) => e.action)).toEqual(["tool.approve"]);
    expect(second.next).toBeNull();

    const settings = (await listAudit({ action: "settings.update", actor: "owner" })).entries[0];
    expect(settings?.detail).toEqual({ fields: ["model"], apiKey: "[redacted]" });
  });

  it("never stores secret-looking values and cuts huge details to their keys", () => {
    expect(redactDetail({ model: { apiKey: "sk-1", baseUrl: "http://x" }, token: "t", note: "ok" })).toEqual({
      model: { apiKey: "[redacted]", baseUrl: "http://x" },
      token: "[redacted]",
      note: "ok",
    });
    expect(redactDetail({ prices: "x".repeat(5000), name: "a" })).toEqual({
      truncated: true,
      keys: ["prices", "name"],
    });
  });
});
