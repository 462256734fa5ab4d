import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { createFolder, folderNameProblem, listFolders, recentWorkspaces } from "./browse";
import { DATA_DIR_MARKER } from "./rules";

const root = () => process.env.RATCHET_WORKSPACE_ROOTS ?? "";

beforeAll(async () => {
  await startTestSandbox();
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

/** git as a person runs it in their checkout (not the server's isolated git). */
function userGit(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, stdio: "ignore" });
}

function repo(parent: string, name: string, branch = "main"): string {
  const folder = path.join(parent, name);
  mkdirSync(folder);
  userGit(folder, "init", "-q", "-b", branch);
  writeFileSync(path.join(folder, "README.md"), "hi\n");
  userGit(folder, "add", "-A");
  userGit(folder, "commit", "-q", "-m", "first");
  return folder;
}

describe("the folder browser", () => {
  it("lists the roots when no folder is asked for", async () => {
    const listing = await listFolders(undefined);
    expect(listing.folder).toBeNull();
    expect(listing.entries.map((e) => e.path)).toEqual(listing.roots);
    expect(listing.roots.length).toBeGreaterThan(0);
  });

  it("lists sub-folders only, marks hidden ones, and goes up to the root and no further", async () => {
    const ws = testWorkspace("browse-");
    mkdirSync(path.join(ws, "src"));
    mkdirSync(path.join(ws, ".cache"));
    writeFileSync(path.join(ws, "file.txt"), "not a folder");
    const listing = await listFolders(ws);
    expect(listing.entries.map((e) => [e.name, e.hidden])).toEqual([
      [".cache", true],
      ["src", false],
    ]);
    expect(listing.parent).toBe(path.dirname(ws));
    expect((await listFolders(root())).parent).toBeNull();
  });

  it("shows each repository's branch and whether its working tree is dirty", async () => {
    const ws = testWorkspace("browse-git-");
    const clean = repo(ws, "clean", "main");
    const dirty = repo(ws, "dirty", "feature/x");
    writeFileSync(path.join(dirty, "README.md"), "changed\n");
    writeFileSync(path.join(dirty, "new.txt"), "new\n");
    mkdirSync(path.join(ws, "plain"));
    const byName = new Map((await listFolders(ws)).entries.map((e) => [e.name, e.git]));
    expect(byName.get("clean")).toEqual({ branch: "main", changes: 0, worktree: false });
    // a repository's .git folder is shown, marked, and cannot be browsed or worked in
    const dotGit = (await listFolders(clean)).entries.find((e) => e.name === ".git");
    expect(dotGit?.problem).toMatch(/\.git folder/);
    expect((await refusal(listFolders(path.join(clean, ".git")))).code).toBe("bad_request");
    expect((await refusal(listFolders(path.join(clean, ".git", "hooks")))).code).toBe("bad_request");
    expect(byName.get("dirty")).toEqual({ branch: "feature/x", changes: 2, worktree: false });
    expect(byName.get("plain")).toBeNull();
    expect((await listFolders(clean)).git?.branch).toBe("main");
  });

  it("runs nothing a repository's config names while reading its state (fsmonitor, hooks, filters)", async () => {
    const ws = testWorkspace("browse-hostile-");
    const folder = repo(ws, "hostile");
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), "ratchet-ran-")), "ran");
    const run = `touch ${marker}`;
    writeFileSync(
      path.join(folder, ".git", "config"),
      `[core]\n\tfsmonitor = ${run}\n\thooksPath = .\n\tpager = ${run}\n[filter "x"]\n\tclean = ${run}\n\tprocess = ${run}\n`,
    );
    writeFileSync(path.join(folder, ".gitattributes"), "* filter=x\n");
    writeFileSync(path.join(folder, "README.md"), "changed\n");
    const entry = (await listFolders(ws)).entries.find((e) => e.name === "hostile");
    expect(entry?.git?.branch).toBe("main");
    expect(entry?.git?.changes).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it("reads no repository a crafted .git points to outside the roots, nor one behind a linked .git", async () => {
    const ws = testWorkspace("browse-crafted-");
    const outside = mkdtempSync(path.join(os.tmpdir(), "ratchet-outside-"));
    repo(outside, "real");
    mkdirSync(path.join(ws, "pointer"));
    writeFileSync(path.join(ws, "pointer", ".git"), `gitdir: ${path.join(outside, "real", ".git")}\n`);
    mkdirSync(path.join(ws, "linked"));
    symlinkSync(path.join(outside, "real", ".git"), path.join(ws, "linked", ".git"));
    const byName = new Map((await listFolders(ws)).entries.map((e) => [e.name, e.git]));
    expect(byName.get("pointer")).toBeNull();
    expect(byName.get("linked")).toBeNull();
  });

  it("lists a link only when it leads to a folder inside the roots, and never says where else it leads", async () => {
    const ws = testWorkspace("browse-links-");
    mkdirSync(path.join(ws, "target"));
    symlinkSync(path.join(ws, "target"), path.join(ws, "inside"));
    symlinkSync("/etc", path.join(ws, "etc"));
    symlinkSync(os.tmpdir(), path.join(ws, "tmp"));
    symlinkSync(path.join(ws, "missing"), path.join(ws, "dangling"));
    const entries = (await listFolders(ws)).entries;
    expect(entries.map((e) => [e.name, e.link, e.path])).toEqual([
      ["inside", true, path.join(ws, "target")],
      ["target", false, path.join(ws, "target")],
    ]);
  });

  it("marks a folder a session may not use (another instance's data) and refuses to list it", async () => {
    const ws = testWorkspace("browse-marked-");
    mkdirSync(path.join(ws, "other-data"));
    writeFileSync(path.join(ws, "other-data", DATA_DIR_MARKER), "");
    const entry = (await listFolders(ws)).entries.find((e) => e.name === "other-data");
    expect(entry?.problem).toMatch(/another Ratchet instance/);
    expect((await refusal(listFolders(path.join(ws, "other-data")))).code).toBe("bad_request");
  });

  it("never lists a folder outside the roots, however it is spelled", async () => {
    const ws = testWorkspace("browse-escape-");
    symlinkSync("/etc", path.join(ws, "etc-link"));
    symlinkSync(path.dirname(root()), path.join(ws, "up-link"));
    const spellings = [
      "/",
      "/etc",
      "//etc",
      "/etc/",
      "/proc/self/cwd",
      process.cwd(),
      process.env.RATCHET_DATA_DIR ?? "",
      os.homedir(),
      os.tmpdir(),
      path.dirname(root()),
      `${root()}/..`,
      `${root()}/../`,
      `${root()}/./..`,
      `${ws}/../..`,
      `${ws}/../../${path.basename(root())}/..`,
      `${ws}/etc-link`,
      `${ws}/etc-link/`,
      `${ws}/up-link`,
      "..",
      ".",
      "",
      "etc",
      "../etc",
      "~",
      "~/",
      "~/.ssh",
      `${root()}\0/x`,
      `${ws}/%2e%2e`,
      `${ws}/does-not-exist`,
    ];
    for (const spelling of spellings) {
      if (spelling === "") {
        // no path at all is the list of roots, nothing else
        expect((await listFolders(spelling || undefined)).folder).toBeNull();
        continue;
      }
      const error = await refusal(listFolders(spelling));
      expect(["bad_request", "not_found"], spelling).toContain(error.code);
    }
  });
});

describe("creating a folder", () => {
  it("creates it inside the folder, and refuses one that exists", async () => {
    const ws = testWorkspace("mkdir-");
    const made = await createFolder(ws, "my project");
    expect(made).toBe(path.join(ws, "my project"));
    expect(existsSync(made)).toBe(true);
    expect((await refusal(createFolder(ws, "my project"))).code).toBe("conflict");
  });

  it("refuses names that are not one plain folder name, and creates nothing", async () => {
    const ws = testWorkspace("mkdir-names-");
    for (const name of [
      "",
      ".",
      "..",
      "../x",
      "a/b",
      "/abs",
      ".git",
      ".hidden",
      "-rf",
      "a\0b",
      "a\nb",
      "x".repeat(101),
    ]) {
      expect(folderNameProblem(name), JSON.stringify(name)).not.toBeNull();
      expect((await refusal(createFolder(ws, name))).code).toBe("bad_request");
    }
    expect((await listFolders(ws)).entries).toEqual([]);
  });

  it("refuses a parent outside the roots or reached through a link out of them", async () => {
    const ws = testWorkspace("mkdir-out-");
    const outside = mkdtempSync(path.join(os.tmpdir(), "ratchet-outside-"));
    symlinkSync(outside, path.join(ws, "out"));
    for (const parent of [outside, path.join(ws, "out"), `${ws}/../..`, "relative", "~"]) {
      const error = await refusal(createFolder(parent, "made"));
      expect(["bad_request", "not_found"]).toContain(error.code);
    }
    expect(existsSync(path.join(outside, "made"))).toBe(false);
  });
});

describe("recent workspaces", () => {
  it("lists the folders sessions worked in that may still be workspaces, newest first, each once", async () => {
    const older = testWorkspace("recent-a-");
    const newer = testWorkspace("recent-b-");
    const session = (workspace: string) =>
      createSession({ title: "r", workspace, budgetUsd: null, model: "m" });
    await session(older);
    await session("/etc");
    await session(path.join(root(), "gone-since"));
    await session(newer);
    await session(older);
    await session(newer);
    const recent = await recentWorkspaces(undefined, 50);
    expect(recent.filter((f) => f === older || f === newer)).toEqual([newer, older]);
    expect(recent).not.toContain("/etc");
    expect(recent).not.toContain(path.join(root(), "gone-since"));
  });
});
