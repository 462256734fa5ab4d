import { describe, expect, it } from "vitest";
import { daysBetween, InvalidRangeError, parseRange, presetRange } from "./range";

const now = new Date("2026-11-26T10:30:00.000Z");

describe("time ranges", () => {
  it("aligns day presets to UTC midnight and includes today", () => {
    expect(presetRange("7d", now).since.toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(presetRange("24h", now).since.toISOString()).toBe("2026-11-25T10:30:00.000Z");
    expect(presetRange("all", now).since.getTime()).toBe(0);
    expect(presetRange("30d", now).until.getTime()).toBe(now.getTime() + 1);
  });

  it("reads range, or since/until, with a fallback", () => {
    expect(parseRange(new URLSearchParams("range=90d"), { now }).preset).toBe("90d");
    expect(parseRange(new URLSearchParams(""), { now }).preset).toBe("30d");
    expect(parseRange(new URLSearchParams(""), { now, fallback: "all" }).since.getTime()).toBe(0);
    const custom = parseRange(new URLSearchParams("since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z"), {
      now,
    });
    expect([custom.since.toISOString(), custom.until.toISOString(), custom.preset]).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-11-02T00:00:00.000Z",
      null,
    ]);
  });

  it("refuses what it cannot read, with a reason", () => {
    expect(() => parseRange(new URLSearchParams("range=1y"))).toThrow(InvalidRangeError);
    expect(() => parseRange(new URLSearchParams("since=yesterday"))).toThrow(
      /since must be an ISO-8601 date/,
    );
    expect(() => parseRange(new URLSearchParams("since=2026-02-02&until=2026-02-01"))).toThrow(/after since/);
  });

  it("lists the UTC days a range touches", () => {
    expect(daysBetween(Date.parse("2026-11-24T23:00:00Z"), Date.parse("2026-11-26T00:00:01Z"))).toEqual([
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
    ]);
  });
});
