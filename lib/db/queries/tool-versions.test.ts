import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  activateToolVersion,
  createToolVersion,
  findToolVersion,
  listActiveToolVersions,
  returnToolVersionToQueue,
} from "./tool-versions";

describe("returnToolVersionToQueue", () => {
  it("takes back a decision nobody made: the version is a proposal again, undecided, saying why", async () => {
    const name = `t_${randomUUID().slice(0, 8)}`;
    const created = await createToolVersion({
      name,
      sha256: "a".repeat(64),
      source: "export {}",
      origin: "user",
      status: "proposed",
      description: "d",
      manifest: null,
      validation: { ok: true, checks: [], flags: [], examples: [], unavailable: null, durationMs: 1 },
      reason: "found in the tools folder",
      sessionId: null,
    });
    await activateToolVersion(created.id, name, { by: "ratchet (first start)", reason: "shipped" });
    await returnToolVersionToQueue(created.id, "nobody approved it");
    expect(await findToolVersion(name, {})).toMatchObject({
      status: "proposed",
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      reason: "nobody approved it",
    });
    expect((await listActiveToolVersions()).map((v) => v.name)).not.toContain(name);
  });
});
