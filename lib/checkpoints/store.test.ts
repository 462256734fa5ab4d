import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox } from "@/lib/testing/sandbox";
import {
  changesBetween,
  fileChangeBetween,
  hunksOf,
  MAX_FILE_BYTES,
  MAX_SHOWN_BYTES,
  restore,
  revertHunk,
  type Snapshot,
  type Store,
  snapshot,
  storeFor,
} from "./store";

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-checkpoints-"));
const dataDir = path.join(root, "data");
let store: Store;
let n = 0;

const write = (rel: string, content: string) => {
  mkdirSync(path.dirname(path.join(store.workspace, rel)), { recursive: true });
  writeFileSync(path.join(store.workspace, rel), content);
};
const read = (rel: string) => readFileSync(path.join(store.workspace, rel), "utf8");

async function take(parent: Snapshot | null = null, session = "s1"): Promise<Snapshot> {
  return snapshot(store, session, parent, "test");
}

beforeAll(async () => {
  await startTestSandbox();
});

beforeEach(() => {
  const workspace = path.join(root, `ws-${++n}`);
  mkdirSync(workspace, { recursive: true });
  store = storeFor(dataDir, workspace);
});

describe("checkpoints", () => {
  it("records a workspace, and a change since, file by file with counts and unified diffs", async () => {
    write("a.txt", "one\ntwo\nthree\n");
    write("src/b.ts", "export const b = 1;\n");
    const first = await take();
    write("a.txt", "one\nTWO\nthree\n");
    rmSync(path.join(store.workspace, "src/b.ts"));
    write("c.md", "# new\n");
    const second = await take(first);
    const changes = await changesBetween(store, first.commit, second.commit);
    expect(changes.map((c) => [c.path, c.status, c.additions, c.deletions])).toEqual([
      ["a.txt", "modified", 1, 1],
      ["c.md", "added", 1, 0],
      ["src/b.ts", "deleted", 0, 1],
    ]);
    expect(changes[0]?.diff).toContain("-two\n+TWO");
    const all = await changesBetween(store, null, second.commit);
    expect(all.map((c) => c.path).sort()).toEqual(["a.txt", "c.md"]);
  });

  it("an unchanged workspace gives back the same checkpoint, no new commit", async () => {
    write("a.txt", "x\n");
    const first = await take();
    const again = await take(first);
    expect(again.commit).toBe(first.commit);
  });

  it("follows .gitignore, never the workspace's own .git, never a link's target, and names skipped large files", async () => {
    execFileSync("git", ["init", "-q"], { cwd: store.workspace });
    write(".gitignore", "dist/\n");
    write("dist/bundle.js", "ignored");
    write("keep.txt", "keep");
    write("outside-secret.txt", "SECRET");
    symlinkSync(path.join(store.workspace, "outside-secret.txt"), path.join(store.workspace, "link"));
    const big = path.join(store.workspace, "data.bin");
    writeFileSync(big, "");
    truncateSync(big, MAX_FILE_BYTES + 1);
    // names that would be options or patterns if read as such: each is left out by its own name only
    for (const name of ["-n big.bin", "sub/[ab]*?.bin", ":(glob)x.bin"]) {
      const file = path.join(store.workspace, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, "");
      truncateSync(file, MAX_FILE_BYTES + 2);
    }
    write("sub/a1.bin", "small, and matched by the pattern above if it were one");
    // exactly the cap is kept
    const atCap = path.join(store.workspace, "at-cap.bin");
    writeFileSync(atCap, "");
    truncateSync(atCap, MAX_FILE_BYTES);
    const snap = await take();
    const files = (await changesBetween(store, null, snap.commit, { patch: false }))
      .map((c) => c.path)
      .sort();
    expect(files).toEqual([
      ".gitignore",
      "at-cap.bin",
      "keep.txt",
      "link",
      "outside-secret.txt",
      "sub/a1.bin",
    ]);
    expect([...snap.skipped].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "-n big.bin", bytes: MAX_FILE_BYTES + 2 },
      { path: ":(glob)x.bin", bytes: MAX_FILE_BYTES + 2 },
      { path: "data.bin", bytes: MAX_FILE_BYTES + 1 },
      { path: "sub/[ab]*?.bin", bytes: MAX_FILE_BYTES + 2 },
    ]);
    // the user's repository is untouched: no index entries, no objects of ours
    expect(
      execFileSync("git", ["status", "--porcelain"], { cwd: store.workspace, encoding: "utf8" }),
    ).toContain("?? keep.txt");
  });

  it("a step's new large files are left out by name, names that read as find's options and all", async () => {
    write("keep.txt", "keep");
    const first = await take();
    const names = ["-delete", "(", "!", "-files0-from", "-exec", "tab\there.bin", "line\nbreak.bin", "d/-o"];
    for (const name of names) {
      const file = path.join(store.workspace, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, "");
      truncateSync(file, MAX_FILE_BYTES + 1);
    }
    write("small-new.txt", "recorded beside them");
    const step = await take(first);
    expect(step.skipped.map((s) => s.path).sort()).toEqual([...names].sort());
    expect(step.skipped.every((s) => s.bytes === MAX_FILE_BYTES + 1)).toBe(true);
    const changes = await changesBetween(store, first.commit, step.commit, { patch: false });
    expect(changes.map((c) => [c.path, c.status])).toEqual([["small-new.txt", "added"]]);
    // nothing was read as an action: every file is still there
    for (const name of names) expect(existsSync(path.join(store.workspace, name))).toBe(true);
    // the next step has them still untracked: still named, still left out
    const again = await take(step);
    expect(again.commit).toBe(step.commit);
    expect(again.skipped.map((s) => s.path).sort()).toEqual([...names].sort());
  });

  it("records what a plain command changed, even when it put the size and times back", async () => {
    write("same-size.txt", "aaaa\n");
    write("dir/old.txt", "old\n");
    write("gone.txt", "bye\n");
    const first = await take();
    const file = path.join(store.workspace, "same-size.txt");
    const dir = path.join(store.workspace, "dir");
    const fileTimes = statSync(file);
    const dirTimes = statSync(dir);
    // what a command in the sandbox may do, without any tool saying which files it touched
    writeFileSync(file, "bbbb\n");
    utimesSync(file, fileTimes.atime, fileTimes.mtime);
    writeFileSync(path.join(dir, "new.txt"), "new\n");
    utimesSync(dir, dirTimes.atime, dirTimes.mtime);
    rmSync(path.join(store.workspace, "gone.txt"));
    const step = await take(first);
    const changes = await changesBetween(store, first.commit, step.commit, { patch: false });
    expect(changes.map((c) => [c.path, c.status])).toEqual([
      ["dir/new.txt", "added"],
      ["gone.txt", "deleted"],
      ["same-size.txt", "modified"],
    ]);
  });

  it("a step that made no new file still records every change, deletion, link and mode of the tracked ones", async () => {
    write("same-size.txt", "aaaa\n");
    write("gone.txt", "bye\n");
    write("to-link.txt", "a file\n");
    write("run.sh", "echo hi\n");
    write("deep/er/file.txt", "one\n");
    const first = await take();
    const file = path.join(store.workspace, "same-size.txt");
    const times = statSync(file);
    writeFileSync(file, "bbbb\n");
    utimesSync(file, times.atime, times.mtime);
    rmSync(path.join(store.workspace, "gone.txt"));
    rmSync(path.join(store.workspace, "to-link.txt"));
    symlinkSync("run.sh", path.join(store.workspace, "to-link.txt"));
    chmodSync(path.join(store.workspace, "run.sh"), 0o755);
    write("deep/er/file.txt", "two\n");
    const step = await take(first);
    const changes = await changesBetween(store, first.commit, step.commit, { patch: false });
    expect(changes.map((c) => [c.path, c.status])).toEqual([
      ["deep/er/file.txt", "modified"],
      ["gone.txt", "deleted"],
      ["run.sh", "modified"],
      ["same-size.txt", "modified"],
      ["to-link.txt", "modified"],
    ]);
    // and a new file after that step is picked up by the next one
    write("deep/er/new.txt", "new\n");
    const next = await take(step);
    expect(
      (await changesBetween(store, step.commit, next.commit, { patch: false })).map((c) => [
        c.path,
        c.status,
      ]),
    ).toEqual([["deep/er/new.txt", "added"]]);
  });

  it("creates the store with its own settings", async () => {
    write("a.txt", "a\n");
    await take();
    const get = (key: string) =>
      execFileSync("git", ["config", "--file", path.join(store.gitDir, "config"), "--get", key], {
        encoding: "utf8",
      }).trim();
    expect([
      get("core.autocrlf"),
      get("core.symlinks"),
      get("core.bigFileThreshold"),
      get("gc.auto"),
      get("feature.manyFiles"),
    ]).toEqual(["false", "true", "1m", "0", "true"]);
  });

  it("restores a whole checkpoint: changed files back, created files gone, deleted files back", async () => {
    write("a.txt", "before\n");
    write("gone.txt", "was here\n");
    const before = await take();
    write("a.txt", "after\n");
    write("new/created.txt", "new\n");
    rmSync(path.join(store.workspace, "gone.txt"));
    const now = await take(before);
    const restored = await restore(store, "s1", before.commit, now.commit);
    expect(restored.sort()).toEqual(["a.txt", "gone.txt", "new/created.txt"]);
    expect(read("a.txt")).toBe("before\n");
    expect(read("gone.txt")).toBe("was here\n");
    expect(existsSync(path.join(store.workspace, "new/created.txt"))).toBe(false);
  });

  it("restores one file and leaves the rest", async () => {
    write("a.txt", "a1\n");
    write("b.txt", "b1\n");
    const before = await take();
    write("a.txt", "a2\n");
    write("b.txt", "b2\n");
    const now = await take(before);
    expect(await restore(store, "s1", before.commit, now.commit, ["a.txt"])).toEqual(["a.txt"]);
    expect(read("a.txt")).toBe("a1\n");
    expect(read("b.txt")).toBe("b2\n");
  });

  it("takes one hunk back out and keeps the other; refuses when the file changed by hand", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    write("f.txt", `${lines.join("\n")}\n`);
    const before = await take();
    const edited = [...lines];
    edited[1] = "CHANGED 2";
    edited[25] = "CHANGED 26";
    write("f.txt", `${edited.join("\n")}\n`);
    const now = await take(before);
    const [change] = await changesBetween(store, before.commit, now.commit);
    expect(hunksOf(change?.diff ?? "").hunks).toHaveLength(2);
    expect(await revertHunk(store, change?.diff ?? "", 1)).toBe(true);
    expect(read("f.txt")).toContain("CHANGED 2");
    expect(read("f.txt")).not.toContain("CHANGED 26");
    write("f.txt", "rewritten by hand\n");
    expect(await revertHunk(store, change?.diff ?? "", 0)).toBe(false);
    expect(read("f.txt")).toBe("rewritten by hand\n");
  });

  it("two sessions in one workspace keep their own index and lineage", async () => {
    write("a.txt", "1\n");
    const one = await take(null, "one");
    write("a.txt", "2\n");
    const two = await take(null, "two");
    expect(one.tree).not.toBe(two.tree);
    expect((await changesBetween(store, one.commit, two.commit))[0]?.path).toBe("a.txt");
  });

  it("keys each file's diff by its name, spaces, quotes and all", async () => {
    const names = ["plain.txt", "with space.txt", 'a "quoted" name.txt', "back\\slash.txt", "ünïcode.txt"];
    const first = await take();
    for (const name of names) write(name, `${name}\n`);
    const changes = await changesBetween(store, first.commit, (await take(first)).commit);
    expect(changes.map((c) => c.path).sort()).toEqual([...names].sort());
    for (const change of changes) expect(change.diff, change.path).toContain(`+${change.path}`);
  });

  it("one file's change with both sides: modified, renamed, binary, large", async () => {
    write("a.ts", "export const a = 1;\n");
    write("old name.md", `${"# title\n".repeat(20)}`);
    write("img.bin", "\0\x01\x02");
    write("big.txt", "x\n");
    const before = await take();
    write("a.ts", "export const a = 2;\n");
    rmSync(path.join(store.workspace, "old name.md"));
    write("new name.md", `${"# title\n".repeat(20)}`);
    write("img.bin", "\0\x01\x03");
    write("big.txt", "y".repeat(MAX_SHOWN_BYTES + 1));
    const after = await take(before);

    const a = await fileChangeBetween(store, before.commit, after.commit, "a.ts");
    expect(a).toMatchObject({
      status: "modified",
      additions: 1,
      deletions: 1,
      before: "export const a = 1;\n",
      after: "export const a = 2;\n",
    });
    expect(a?.diff).toContain("+export const a = 2;");
    // by its new name or its old one
    for (const name of ["new name.md", "old name.md"]) {
      const renamed = await fileChangeBetween(store, before.commit, after.commit, name);
      expect(renamed).toMatchObject({ path: "new name.md", from: "old name.md", status: "renamed" });
      expect(renamed?.before).toBe(renamed?.after);
    }
    expect(await fileChangeBetween(store, before.commit, after.commit, "img.bin")).toMatchObject({
      binary: true,
      before: null,
      after: null,
    });
    // over the store's big-file threshold git compares bytes, not lines: no text sent either way
    expect(await fileChangeBetween(store, before.commit, after.commit, "big.txt")).toMatchObject({
      binary: true,
      before: null,
      after: null,
    });
    expect(await fileChangeBetween(store, before.commit, after.commit, "unchanged.txt")).toBeNull();
    // a glob is a name, never a pattern
    expect(await fileChangeBetween(store, before.commit, after.commit, "*.ts")).toBeNull();
  });

  it("a list without diffs has the same files and counts", async () => {
    write("a.txt", "1\n");
    const first = await take();
    write("a.txt", "2\n3\n");
    const second = await take(first);
    const summary = await changesBetween(store, first.commit, second.commit, { patch: false });
    expect(summary).toEqual([
      { path: "a.txt", status: "modified", additions: 2, deletions: 1, binary: false, diff: "" },
    ]);
  });
});
