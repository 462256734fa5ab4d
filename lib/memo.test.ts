import { describe, expect, it, vi } from "vitest";
import { keyedMemo, memo } from "./memo";

const unique = () => `test.${Math.random().toString(36).slice(2, 10)}`;

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A memo on a hand-driven clock whose computations the test settles one by one. */
function setup(maxAgeMs = 1000) {
  let time = 0;
  const runs: ReturnType<typeof deferred<string>>[] = [];
  const compute = vi.fn(() => {
    const run = deferred<string>();
    runs.push(run);
    return run.promise;
  });
  const m = memo(unique(), { maxAgeMs, compute, now: () => time });
  return {
    m,
    compute,
    runs,
    at: (ms: number) => {
      time = ms;
    },
  };
}

describe("memo", () => {
  it("shares one computation among concurrent callers", async () => {
    const { m, compute, runs } = setup();
    const callers = [m.get(), m.get(), m.get()];
    expect(compute).toHaveBeenCalledTimes(1);
    runs[0]?.resolve("v1");
    expect(await Promise.all(callers)).toEqual(["v1", "v1", "v1"]);
    expect(await m.get()).toBe("v1");
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it("serves the value until maxAgeMs after its computation started, then computes again", async () => {
    const { m, compute, runs, at } = setup(1000);
    at(100);
    const first = m.get();
    at(150);
    runs[0]?.resolve("v1");
    await first;
    at(1099);
    expect(await m.get()).toBe("v1");
    at(1100);
    const second = m.get();
    expect(compute).toHaveBeenCalledTimes(2);
    runs[1]?.resolve("v2");
    expect(await second).toBe("v2");
  });

  it("does not keep a failed computation: its callers get the error, the next caller computes again", async () => {
    const { m, compute, runs } = setup();
    const failing = [m.get(), m.get()];
    runs[0]?.reject(new Error("database gone"));
    for (const caller of failing) await expect(caller).rejects.toThrow("database gone");
    const retry = m.get();
    expect(compute).toHaveBeenCalledTimes(2);
    runs[1]?.resolve("v1");
    expect(await retry).toBe("v1");
  });

  it("fails a computation that throws before returning a promise the same way", async () => {
    let calls = 0;
    const m = memo(unique(), {
      maxAgeMs: 1000,
      compute: () => {
        calls++;
        if (calls === 1) throw new Error("synchronous");
        return Promise.resolve("ok");
      },
    });
    await expect(m.get()).rejects.toThrow("synchronous");
    expect(await m.get()).toBe("ok");
  });

  it("computes anew after invalidate, and a computation running across it keeps nothing", async () => {
    const { m, compute, runs } = setup();
    const before = m.get();
    m.invalidate();
    const after = m.get();
    expect(compute).toHaveBeenCalledTimes(2);
    runs[0]?.resolve("old");
    runs[1]?.resolve("new");
    expect(await before).toBe("old");
    expect(await after).toBe("new");
    expect(await m.get()).toBe("new");
    m.invalidate();
    const again = m.get();
    expect(compute).toHaveBeenCalledTimes(3);
    runs[2]?.resolve("newer");
    expect(await again).toBe("newer");
  });

  it("refresh renews an old value while callers keep getting it, and keeps it when the renewal fails", async () => {
    const { m, compute, runs, at } = setup(10_000);
    await m.refresh(0);
    expect(compute).not.toHaveBeenCalled(); // nothing asked for yet: nothing to renew
    const first = m.get();
    runs[0]?.resolve("v1");
    await first;
    at(500);
    await m.refresh(1000);
    expect(compute).toHaveBeenCalledTimes(1); // younger than asked
    at(1000);
    const renewals = [m.refresh(1000), m.refresh(1000)];
    expect(compute).toHaveBeenCalledTimes(2); // one renewal for both
    expect(await m.get()).toBe("v1");
    runs[1]?.reject(new Error("slow disk"));
    for (const renewal of renewals) await expect(renewal).rejects.toThrow("slow disk");
    expect(await m.get()).toBe("v1");
    const next = m.refresh(1000);
    runs[2]?.resolve("v2");
    await next;
    expect(await m.get()).toBe("v2");
  });

  it("shares a value between two copies of a module that use the same name", async () => {
    const name = unique();
    const compute = vi.fn(async () => "once");
    const first = await import("./memo");
    vi.resetModules();
    const second = await import("./memo");
    expect(second.memo).not.toBe(first.memo);
    expect(await first.memo(name, { maxAgeMs: 60_000, compute }).get()).toBe("once");
    expect(await second.memo(name, { maxAgeMs: 60_000, compute }).get()).toBe("once");
    expect(compute).toHaveBeenCalledTimes(1);
  });
});

describe("keyedMemo", () => {
  it("computes, keeps and forgets each key on its own", async () => {
    const compute = vi.fn(async (day: number) => `rollup ${day}`);
    const days = keyedMemo(unique(), { maxAgeMs: Number.POSITIVE_INFINITY, compute });
    expect(days.has(1)).toBe(false);
    const one = days.get(1);
    expect(days.has(1)).toBe(true); // while it is computed
    expect(await one).toBe("rollup 1");
    expect(await days.get(2)).toBe("rollup 2");
    expect(await days.get(1)).toBe("rollup 1");
    expect(compute).toHaveBeenCalledTimes(2);
    days.remember(3, "empty");
    expect(await days.get(3)).toBe("empty");
    expect(days.size()).toBe(3);
    days.invalidate(1);
    expect(days.has(1)).toBe(false);
    expect(days.size()).toBe(2);
    days.invalidate();
    expect(days.size()).toBe(0);
  });

  it("drops a key whose only computation failed", async () => {
    const days = keyedMemo(unique(), {
      maxAgeMs: Number.POSITIVE_INFINITY,
      compute: async (day: number) => {
        throw new Error(`day ${day} unreadable`);
      },
    });
    await expect(days.get(7)).rejects.toThrow("day 7 unreadable");
    expect(days.has(7)).toBe(false);
    expect(days.size()).toBe(0);
  });
});
