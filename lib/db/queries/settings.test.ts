import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { recordStatements } from "../statements";
import { readSetting, readSettings, writeSettings } from "./settings";

const schema = z.object({ n: z.number() });

describe("settings read together", () => {
  it("reads every key in one statement, then answers from it: saved, never saved, malformed", async () => {
    const key = (name: string) => `test.${name}.${randomUUID()}`;
    const [saved, missing, malformed, other] = [key("saved"), key("missing"), key("malformed"), key("other")];
    await writeSettings({ [saved]: { n: 1 }, [malformed]: { n: "one" }, [other]: { n: 3 } });
    let snapshot = await readSettings([]);
    const read = await recordStatements(async () => {
      snapshot = await readSettings([saved, missing, malformed]);
    });
    expect(read).toHaveLength(1);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const answered = await recordStatements(async () => {
      expect(await readSetting(saved, schema, snapshot)).toEqual({ n: 1 });
      expect(await readSetting(missing, schema, snapshot)).toBeUndefined();
      expect(await readSetting(malformed, schema, snapshot)).toBeUndefined();
    });
    expect(answered).toEqual([]);
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
    // a key the snapshot was not asked for is read, not taken for "never saved"
    expect(await readSetting(other, schema, snapshot)).toEqual({ n: 3 });
  });

  it("is as fresh as a read: a change saved after one snapshot is in the next", async () => {
    const key = `test.fresh.${randomUUID()}`;
    await writeSettings({ [key]: { n: 1 } });
    const before = await readSettings([key]);
    await writeSettings({ [key]: { n: 2 } });
    expect(await readSetting(key, schema, before)).toEqual({ n: 1 });
    expect(await readSetting(key, schema, await readSettings([key]))).toEqual({ n: 2 });
  });
});
