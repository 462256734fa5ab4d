import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { processState } from "./process-state";

const unique = () => `test.${Math.random().toString(36).slice(2, 10)}`;

describe("processState", () => {
  it("creates the value once, on first use, and hands out the same one afterwards", () => {
    const create = vi.fn(() => new Map<string, number>());
    const slot = processState(unique(), create);
    expect(create).not.toHaveBeenCalled();
    slot().set("a", 1);
    expect(slot().get("a")).toBe(1);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("is one value for every copy of a module, as Next's chunks each load their own copy", async () => {
    const name = unique();
    const first = await import("./process-state");
    vi.resetModules();
    const second = await import("./process-state");
    expect(second.processState).not.toBe(first.processState);
    const a = first.processState(name, () => ({ from: "first" }));
    const b = second.processState(name, () => ({ from: "second" }));
    expect(a().from).toBe("first");
    expect(b()).toBe(a());
  });

  it("is shared by two copies of a module that keeps state in it (lib/agent/active-turns.ts)", async () => {
    const first = await import("@/lib/agent/active-turns");
    vi.resetModules();
    const second = await import("@/lib/agent/active-turns");
    expect(second.activeTurns).not.toBe(first.activeTurns);
    expect(second.activeTurns()).toBe(first.activeTurns());
  });

  it("keeps nothing when creating throws, so the next call tries again", () => {
    let attempts = 0;
    const slot = processState(unique(), () => {
      attempts++;
      if (attempts === 1) throw new Error("not yet");
      return attempts;
    });
    expect(() => slot()).toThrow("not yet");
    expect(slot()).toBe(2);
    expect(slot()).toBe(2);
  });

  it("can be replaced and reset", () => {
    const name = unique();
    const slot = processState(name, () => "made");
    slot.set("injected");
    expect(processState(name, () => "other")()).toBe("injected");
    slot.reset();
    expect(slot()).toBe("made");
  });
});

/** Server code: the folders Next bundles into the server (components/ only keeps window test hooks). */
const SERVER_ROOTS = ["lib", "app", "instrumentation.ts", "proxy.ts"];

function sourceFiles(entry: string): string[] {
  if (/\.tsx?$/.test(entry)) return /\.test\.tsx?$/.test(entry) ? [] : [entry];
  let names: string[];
  try {
    names = readdirSync(entry);
  } catch {
    return [];
  }
  return names.filter((n) => n !== "generated").flatMap((n) => sourceFiles(path.join(entry, n)));
}

describe("process-wide state in the server code", () => {
  const files = SERVER_ROOTS.flatMap(sourceFiles).map((file) => ({ file, text: readFileSync(file, "utf8") }));

  it("lives only in lib/process-state.ts: no other globalThis slot", () => {
    const slots = files.filter(
      ({ file, text }) =>
        file !== path.join("lib", "process-state.ts") && /globalThis\s+as\b|__ratchet\w/.test(text),
    );
    expect(slots.map((s) => s.file)).toEqual([]);
  });

  it("has one owner per name", () => {
    const owners = new Map<string, string[]>();
    for (const { file, text } of files) {
      for (const match of text.matchAll(/\b(?:processState|keyedMemo|memo)\b[^(\n]*\(\s*"([^"]+)"/g)) {
        const name = match[1] ?? "";
        owners.set(name, [...(owners.get(name) ?? []), file]);
      }
    }
    expect(owners.size).toBeGreaterThan(20);
    expect([...owners].filter(([, where]) => where.length > 1)).toEqual([]);
  });
});
