import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSession } from "@/lib/db/queries/sessions";
import { databaseProvider } from "@/lib/env";
import { backupDatabase, defaultBackupFile } from "./backup";

const url = () => process.env.DATABASE_URL ?? "";

describe("database backups", () => {
  it("names a timestamped file in the data dir", () => {
    const at = new Date("2026-11-26T03:04:05.678Z");
    expect(defaultBackupFile("file:/x/ratchet.db", "/data", at)).toBe(
      "/data/backups/ratchet-2026-11-26T03-04-05-678Z.db",
    );
    expect(defaultBackupFile("postgresql://u@h/d", "/data", at)).toBe(
      "/data/backups/ratchet-2026-11-26T03-04-05-678Z.dump",
    );
  });

  it("copies the live database consistently while it is being written", async () => {
    const { id } = await createSession({
      title: "backed up",
      workspace: "/tmp",
      budgetUsd: null,
      model: "m",
    });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "ratchet-backup-")), "copy");
    let writing = true;
    const writer = (async () => {
      while (writing) await db().session.update({ where: { id }, data: { title: `t${Date.now()}` } });
    })();
    const backup = await backupDatabase(url(), file);
    writing = false;
    await writer;
    expect(backup.bytes).toBeGreaterThan(0);
    await expect(backupDatabase(url(), file)).rejects.toThrow(/already exists/);
    if (databaseProvider(url()) === "postgresql") {
      expect(backup.provider).toBe("postgresql");
      expect(readFileSync(file).subarray(0, 5).toString()).toBe("PGDMP");
      return;
    }
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copy.prepare('SELECT count(*) AS n FROM "Session" WHERE id = ?').get(id)).toEqual({ n: 1 });
    copy.close();
  });
});
