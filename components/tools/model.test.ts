import { describe, expect, it } from "vitest";
import type { ToolListItem, ToolVersionDetail } from "@/lib/tools/views";
import {
  canRollBack,
  groupTools,
  isTrialCall,
  parseVersionParam,
  toolHref,
  verdictOfUse,
  versionUnderReview,
} from "./model";

function item(name: string, patch: Partial<ToolListItem> = {}): ToolListItem {
  return {
    name,
    description: "",
    origin: "agent",
    status: "active",
    version: 1,
    sha256: "a".repeat(64),
    pending: 0,
    pendingVersion: null,
    updatedAt: null,
    ...patch,
  };
}

function version(n: number, patch: Partial<ToolVersionDetail> = {}): ToolVersionDetail {
  return {
    id: `v${n}`,
    version: n,
    sha256: String(n).repeat(64).slice(0, 64),
    status: "superseded",
    origin: "agent",
    description: "",
    source: "",
    parent: null,
    reason: null,
    sessionId: "s1",
    manifest: null,
    capabilities: [],
    validation: null,
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    use: { calls: 0, successes: 0, failures: 0, lastFailures: [] },
    calls: [],
    ...patch,
  };
}

describe("groupTools", () => {
  it("puts tools with pending versions first, then the toolbox by status, then built-ins", () => {
    const groups = groupTools([
      item("zeta", { status: "retired" }),
      item("alpha", { status: "rejected" }),
      item("beta", { status: "active", pending: 2 }),
      item("gamma", { status: "proposed", pending: 1 }),
      item("delta"),
      item("run_command", { origin: "builtin", version: "builtin", sha256: null }),
    ]);
    expect(groups.pending.map((t) => t.name)).toEqual(["beta", "gamma"]);
    expect(groups.pendingCount).toBe(3);
    expect(groups.toolbox.map((t) => t.name)).toEqual(["delta", "alpha", "zeta"]);
    expect(groups.builtin.map((t) => t.name)).toEqual(["run_command"]);
  });

  it("has nothing to review when only built-ins exist", () => {
    const groups = groupTools([item("run_command", { origin: "builtin", version: "builtin" })]);
    expect(groups.pending).toEqual([]);
    expect(groups.toolbox).toEqual([]);
    expect(groups.pendingCount).toBe(0);
  });
});

describe("versionUnderReview", () => {
  const versions = [
    version(3, { status: "proposed" }),
    version(2, { status: "active" }),
    version(1, { status: "superseded" }),
  ];

  it("shows the newest proposal by default, else the active version, else the newest", () => {
    expect(versionUnderReview(versions, null)?.version).toBe(3);
    expect(versionUnderReview(versions.slice(1), null)?.version).toBe(2);
    expect(versionUnderReview([version(2, { status: "rejected" }), version(1)], null)?.version).toBe(2);
  });

  it("honours a requested version that exists", () => {
    expect(versionUnderReview(versions, 1)?.version).toBe(1);
    expect(versionUnderReview(versions, 9)?.version).toBe(3);
  });
});

describe("canRollBack", () => {
  it("allows only versions that were approved once and are no longer active", () => {
    const decidedAt = "2026-01-02T00:00:00.000Z";
    expect(canRollBack({ status: "superseded", decidedAt })).toBe(true);
    expect(canRollBack({ status: "retired", decidedAt })).toBe(true);
    expect(canRollBack({ status: "superseded", decidedAt: null })).toBe(false);
    expect(canRollBack({ status: "active", decidedAt })).toBe(false);
    expect(canRollBack({ status: "rejected", decidedAt })).toBe(false);
  });
});

describe("isTrialCall", () => {
  const call = (at: string, sessionId = "s1") => ({ createdAt: at, sessionId });
  it("counts the proposing session's calls before approval as trials", () => {
    const approved = version(1, { status: "active", decidedAt: "2026-01-02T00:00:00.000Z" });
    expect(isTrialCall(call("2026-01-01T12:00:00.000Z"), approved)).toBe(true);
    expect(isTrialCall(call("2026-01-03T00:00:00.000Z"), approved)).toBe(false);
    expect(isTrialCall(call("2026-01-01T12:00:00.000Z", "s2"), approved)).toBe(false);
    expect(isTrialCall(call("2026-01-03T00:00:00.000Z"), version(1, { status: "proposed" }))).toBe(true);
  });
});

describe("URLs", () => {
  it("builds and reads /tools?name=&version=", () => {
    expect(toolHref("count_words")).toBe("/tools?name=count_words");
    expect(toolHref("count_words", 2)).toBe("/tools?name=count_words&version=2");
    expect(parseVersionParam("2")).toBe(2);
    expect(parseVersionParam("0")).toBeNull();
    expect(parseVersionParam("x")).toBeNull();
    expect(parseVersionParam(null)).toBeNull();
  });
});

describe("verdictOfUse", () => {
  const use = (calls: number, successes: number) => ({
    calls,
    successes,
    failures: calls - successes,
    lastFailures: [],
  });

  it("asks again before approving a version that failed in real calls, whatever validation said", () => {
    expect(verdictOfUse(use(3, 0), true)).toEqual({
      tone: "bad",
      text: "Failed in 3 of 3 trial calls (0 % succeeded).",
      confirm: true,
    });
    expect(verdictOfUse(use(4, 3), true)).toMatchObject({ tone: "bad", confirm: true });
  });

  it("says so plainly when it worked, or was never tried", () => {
    expect(verdictOfUse(use(2, 2), true)).toEqual({
      tone: "good",
      text: "Worked in all 2 trial calls.",
      confirm: false,
    });
    expect(verdictOfUse(use(1, 1), false).text).toBe("Worked in its 1 call.");
    expect(verdictOfUse(use(0, 0), true)).toMatchObject({ tone: "none", confirm: false });
  });
});
