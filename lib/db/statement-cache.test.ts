import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sqliteAdapter } from "./adapters";
import { CACHED_STATEMENTS, connectionOf } from "./statement-cache";
import type { Adapter, Query } from "./statements";

// The adapter as the app makes it (lib/db/adapters.ts), on a file of its own.
const dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-statement-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let adapter: Adapter;
let prepared: ReturnType<typeof vi.spyOn>;

function query(text: string, args: unknown[] = []): Query {
  return {
    sql: text,
    args,
    argTypes: args.map((arg) => ({
      scalarType: typeof arg === "number" ? "int" : "string",
      arity: "scalar",
    })),
  };
}

beforeEach(async () => {
  // every prepare SQLite is asked for, counted below the cache
  prepared = vi.spyOn(Database.prototype, "prepare");
  adapter = await sqliteAdapter(`file:${path.join(dir, `${crypto.randomUUID()}.db`)}`).connect();
  await adapter.executeScript('CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)');
  prepared.mockClear();
});

afterEach(async () => {
  await adapter.dispose();
  prepared.mockRestore();
});

const INSERT = 'INSERT INTO "T" ("id", "name") VALUES (?, ?)';
const BY_ID = 'SELECT "id", "name" FROM "T" WHERE "id" = ?';

describe("statements kept prepared under Prisma's SQLite adapter", () => {
  it("holds the adapter's connection: an adapter upgrade that hides it fails here", () => {
    expect(connectionOf(adapter)).toBeInstanceOf(Database);
  });

  it("prepares a text once and binds each run's own parameters", async () => {
    for (let id = 1; id <= 5; id++) await adapter.executeRaw(query(INSERT, [id, `name ${id}`]));
    for (let id = 5; id >= 1; id--) {
      const result = await adapter.queryRaw(query(BY_ID, [id]));
      expect(result.rows).toEqual([[String(id), `name ${id}`]]);
    }
    expect((await adapter.queryRaw(query(BY_ID, [99]))).rows).toEqual([]);
    expect(prepared).toHaveBeenCalledTimes(2);
  });

  it("binds hostile text as a value, never as SQL", async () => {
    const hostile = `x'); DROP TABLE "T"; --`;
    await adapter.executeRaw(query(INSERT, [1, hostile]));
    await adapter.executeRaw(query(INSERT, [2, "plain"]));
    const result = await adapter.queryRaw(query('SELECT "name" FROM "T" ORDER BY "id"'));
    expect(result.rows).toEqual([[hostile], ["plain"]]);
  });

  it("gives a reader its rows whatever mode the last run left the statement in", async () => {
    await adapter.executeRaw(query(INSERT, [1, "one"]));
    await adapter.queryRaw(query(BY_ID, [1])); // the adapter reads rows as arrays
    const connection = connectionOf(adapter) as Database.Database;
    expect(connection.prepare(BY_ID).bind(1).get()).toEqual({ id: 1n, name: "one" });
    expect(connection.prepare(BY_ID).bind(1).raw().all()).toEqual([[1n, "one"]]);
    expect(prepared).toHaveBeenCalledTimes(2);
  });

  it("does not keep a text that fails to prepare, and the connection goes on", async () => {
    for (let i = 0; i < 2; i++) await expect(adapter.queryRaw(query("SELEC nothing"))).rejects.toThrow();
    expect(prepared).toHaveBeenCalledTimes(2);
    await adapter.executeRaw(query(INSERT, [1, "after"]));
    expect((await adapter.queryRaw(query(BY_ID, [1]))).rows).toEqual([["1", "after"]]);
  });

  it("lets every kept statement go when this connection changes the schema, by statement or by script", async () => {
    const all = 'SELECT * FROM "T"';
    await adapter.executeRaw(query(INSERT, [1, "one"]));
    expect((await adapter.queryRaw(query(all))).columnNames).toEqual(["id", "name"]);
    await adapter.executeScript('ALTER TABLE "T" ADD COLUMN "note" TEXT');
    expect(await adapter.queryRaw(query(all))).toMatchObject({
      columnNames: ["id", "name", "note"],
      rows: [["1", "one", null]],
    });
    await adapter.executeRaw(query('ALTER TABLE "T" DROP COLUMN "note"'));
    expect(await adapter.queryRaw(query(all))).toMatchObject({
      columnNames: ["id", "name"],
      rows: [["1", "one"]],
    });
    await expect(adapter.queryRaw(query('SELECT "note" FROM "T"'))).rejects.toThrow("ColumnNotFound");
  });

  it("keeps what reads or writes rows, however indented", async () => {
    const text = '\n    SELECT "name"\n      FROM "T"';
    for (let i = 0; i < 3; i++) await adapter.queryRaw(query(text));
    expect(prepared).toHaveBeenCalledTimes(1);
  });

  it("keeps only what reads or writes rows: anything else is prepared each time", async () => {
    for (const text of [
      "PRAGMA user_version",
      "-- a comment\nSELECT 1",
      "VALUES (1)",
      "\n  PRAGMA user_version",
    ]) {
      prepared.mockClear();
      for (let i = 0; i < 2; i++) expect((await adapter.queryRaw(query(text))).rows).toHaveLength(1);
      expect(prepared).toHaveBeenCalledTimes(2);
    }
  });

  it("runs transactions on kept statements, committed and rolled back", async () => {
    for (const [id, end] of [
      [1, "commit"],
      [2, "rollback"],
      [3, "commit"],
    ] as const) {
      const tx = await adapter.startTransaction();
      await tx.executeRaw(query(INSERT, [id, end]));
      if (end === "commit") await tx.executeRaw(query("COMMIT"));
      else await tx.executeRaw(query("ROLLBACK"));
      await tx[end]();
    }
    const rows = (await adapter.queryRaw(query('SELECT "name" FROM "T"'))).rows;
    expect(rows).toEqual([["commit"], ["commit"]]);
    // BEGIN, the insert, COMMIT, ROLLBACK, the read
    expect(prepared).toHaveBeenCalledTimes(5);
  });

  it(`keeps at most ${CACHED_STATEMENTS} texts, the least recently used let go first`, async () => {
    const text = (n: number) => `SELECT ${n} AS "n"`;
    for (let n = 0; n < CACHED_STATEMENTS; n++) await adapter.queryRaw(query(text(n)));
    await adapter.queryRaw(query(text(0))); // used again: now the most recent
    await adapter.queryRaw(query(text(CACHED_STATEMENTS))); // one more: text(1) is let go
    prepared.mockClear();
    await adapter.queryRaw(query(text(0)));
    await adapter.queryRaw(query(text(CACHED_STATEMENTS)));
    expect(prepared).not.toHaveBeenCalled();
    expect((await adapter.queryRaw(query(text(1)))).rows).toEqual([["1"]]);
    expect(prepared).toHaveBeenCalledTimes(1);
  });
});
