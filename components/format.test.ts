import { describe, expect, it } from "vitest";
import { countOf, formatBytes, formatDuration } from "./format";

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [Number.NaN, "—"],
    [0, "0 ms"],
    [12.4, "12 ms"],
    [999.4, "999 ms"],
    [999.6, "1.00 s"],
    [1234, "1.23 s"],
    [9994, "9.99 s"],
    [9996, "10.0 s"],
    [59_940, "59.9 s"],
    [59_960, "1m 00s"],
    [61_000, "1m 01s"],
    [239_600, "4m 00s"],
    [3_599_400, "59m 59s"],
    [3_599_600, "1h 00m"],
    [5_400_000, "1h 30m"],
  ])("%s ms → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe("formatBytes", () => {
  it("tells an unknown size from a real zero", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(undefined)).toBe("—");
    expect(formatBytes(0)).toBe("0 B");
  });

  it("scales to KiB and MiB", () => {
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
  });

  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KiB"],
    [10 * 1024 * 1024 + 1, "10 MiB"],
    [3.25 * 1024 ** 3, "3.3 GiB"],
  ])("%s → %s", (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe("countOf", () => {
  it.each([
    [0, "0 loads"],
    [1, "1 load"],
    [2, "2 loads"],
  ])("%s → %s", (count, expected) => {
    expect(countOf(count, "load")).toBe(expected);
  });
});
