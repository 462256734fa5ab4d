import { describe, expect, it } from "vitest";
import { formatBytes, ModelOutput, utf8Prefix } from "./output";

describe("utf8Prefix", () => {
  it("never splits a multi-byte character", () => {
    const text = "a€b"; // € is 3 bytes
    expect(utf8Prefix(text, 1)).toBe("a");
    expect(utf8Prefix(text, 2)).toBe("a");
    expect(utf8Prefix(text, 3)).toBe("a");
    expect(utf8Prefix(text, 4)).toBe("a€");
    expect(utf8Prefix(text, 5)).toBe("a€b");
  });

  it("keeps surrogate pairs whole", () => {
    expect(utf8Prefix("😀x", 3)).toBe("");
    expect(utf8Prefix("😀x", 4)).toBe("😀");
  });
});

describe("ModelOutput", () => {
  it("keeps everything under the cap without a marker", () => {
    const out = new ModelOutput(10);
    out.append("hello");
    expect(out.finish(5)).toBe("hello");
    expect(out.truncated).toBe(false);
  });

  it("cuts at the cap and says how much was kept", () => {
    const out = new ModelOutput(1024 * 1024);
    const chunk = "x".repeat(64 * 1024);
    for (let i = 0; i < 52; i++) out.append(chunk);
    const text = out.finish(52 * 64 * 1024);
    expect(out.truncated).toBe(true);
    expect(text.startsWith("x".repeat(1024 * 1024))).toBe(true);
    expect(text.slice(1024 * 1024)).toBe("\n[… output truncated: kept 1.0 MiB of 3.3 MiB …]");
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KiB"],
    [3.2 * 1024 * 1024, "3.2 MiB"],
  ])("formats %d", (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});
