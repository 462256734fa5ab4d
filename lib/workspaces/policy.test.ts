import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkRoot,
  checkWorkspace,
  type Guard,
  guardFor,
  type Locations,
  resolveWorkspacePolicy,
} from "./policy";
import { DATA_DIR_MARKER } from "./rules";

/**
 * A whole install in a temp folder, built the way an attacker (or a careless layout) would: links
 * from inside a root to the app and data, a root that is itself a link, a second instance's data
 * dir inside a root, the database file in a folder of its own.
 */
let base: string;
let loc: Locations;
let guard: Guard;
let root: string;

function dir(...parts: string[]): string {
  const folder = path.join(base, ...parts);
  mkdirSync(folder, { recursive: true });
  return folder;
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "ratchet-policy-")));
  loc = {
    appDir: dir("app"),
    dataDir: dir("app-data"),
    databaseUrl: `file:${path.join(dir("db"), "ratchet.db")}`,
    toolsDir: dir("tools"),
    skillsDir: dir("skills"),
    home: dir("home"),
    tmpDir: os.tmpdir(),
  };
  guard = guardFor(loc);
  root = dir("roots", "main");
  dir("roots", "main", "project");
  writeFileSync(path.join(loc.dataDir, DATA_DIR_MARKER), "this instance\n");
  // the deploy-doc mistake: a second instance's data dir inside this instance's root
  writeFileSync(path.join(dir("roots", "main", "instance-b", "data"), DATA_DIR_MARKER), "instance b\n");
  dir("roots", "main", "instance-b", "data", "sub");
  for (const [link, target] of [
    ["to-app", loc.appDir],
    ["to-data", loc.dataDir],
    ["to-db", path.join(base, "db")],
    ["to-tools", loc.toolsDir],
    ["to-etc", "/etc"],
    ["to-proc", "/proc/self"],
    ["to-home", loc.home],
    ["to-root", "/"],
    ["to-project", path.join(root, "project")],
    ["dangling", path.join(base, "nowhere")],
  ] as const) {
    symlinkSync(target, path.join(root, link));
  }
  symlinkSync(root, path.join(base, "root-link"));
  writeFileSync(path.join(root, "a-file"), "");
  mkdirSync(path.join(root, "repo", ".git", "hooks"), { recursive: true });
  symlinkSync(path.join(root, "repo", ".git"), path.join(root, "to-git"));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

const policy = () => ({ ...guard, roots: [root] });

describe("a requested workspace, resolved through every link", () => {
  it("is accepted inside a root, and its real path is what is kept", async () => {
    expect(await checkWorkspace(path.join(root, "project"), policy())).toEqual({
      ok: true,
      folder: path.join(root, "project"),
    });
    expect(await checkWorkspace(root, policy())).toEqual({ ok: true, folder: root });
    // a link inside the root to a folder inside the root: fine, and stored as the real folder
    expect(await checkWorkspace(path.join(root, "to-project"), policy())).toEqual({
      ok: true,
      folder: path.join(root, "project"),
    });
    // relative to the first root, and with `..` that stays inside
    expect(await checkWorkspace("project", policy())).toMatchObject({ ok: true });
    expect(await checkWorkspace(`${root}/project/../project/`, policy())).toMatchObject({ ok: true });
  });

  const REFUSED: Array<[string, () => string, RegExp]> = [
    ["a link to the app dir", () => path.join(root, "to-app"), /Ratchet's app folder.*symbolic link/],
    ["a link to the data dir", () => path.join(root, "to-data"), /Ratchet's data folder/],
    ["a link to the database's folder", () => path.join(root, "to-db"), /folder of Ratchet's database/],
    ["a link to the tools dir", () => path.join(root, "to-tools"), /tools folder/],
    ["a link to /etc", () => path.join(root, "to-etc"), /system folder/],
    ["a link to /proc/self", () => path.join(root, "to-proc"), /system folder/],
    ["a link to the home folder", () => path.join(root, "to-home"), /the home folder/],
    ["a link to /", () => path.join(root, "to-root"), /root of the file system/],
    ["another instance's data dir", () => path.join(root, "instance-b", "data"), /another Ratchet instance/],
    [
      "a folder inside another instance's data dir",
      () => path.join(root, "instance-b", "data", "sub"),
      /another Ratchet instance/,
    ],
    ["`..` out of the root", () => `${root}/../../app`, /Ratchet's app folder/],
    ["a prefix-sibling of the root", () => `${root}-evil`, /outside the workspace roots/],
    ["the folder above the root", () => path.dirname(root), /outside the workspace roots/],
    ["the app dir itself", () => loc.appDir, /Ratchet's app folder/],
    ["/", () => "/", /root of the file system/],
    ["a repository's .git folder", () => path.join(root, "repo", ".git"), /\.git folder/],
    ["a folder inside a .git folder", () => path.join(root, "repo", ".git", "hooks"), /\.git folder/],
    ["a link to a .git folder", () => path.join(root, "to-git"), /\.git folder.*symbolic link/],
  ];
  for (const [name, folder, reason] of REFUSED) {
    it(`refuses ${name}, saying why`, async () => {
      mkdirSync(`${root}-evil`, { recursive: true });
      const check = await checkWorkspace(folder(), policy());
      expect(check).toMatchObject({ ok: false, missing: false });
      if (!check.ok) expect(check.reason).toMatch(reason);
    });
  }

  it("says a missing folder, a dangling link or a file is not a usable folder", async () => {
    for (const missing of [path.join(root, "absent"), path.join(root, "dangling")]) {
      expect(await checkWorkspace(missing, policy())).toMatchObject({ ok: false, missing: true });
    }
    expect(await checkWorkspace(path.join(root, "a-file"), policy())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/is not a folder/),
    });
  });

  it("does not take this instance's own marker for another instance's (its data dir is refused as such)", async () => {
    const check = await checkWorkspace(loc.dataDir, { ...guard, roots: [base] });
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/Ratchet's data folder/) });
  });
});

describe("roots", () => {
  it("a root that is itself a link is resolved: its real folder is the root", async () => {
    expect(await checkRoot(path.join(base, "root-link"), guard)).toEqual({ ok: true, folder: root });
  });

  it("a root must be an absolute, existing folder that could itself be a workspace", async () => {
    for (const [folder, reason] of [
      ["relative/x", /not an absolute path/],
      [path.join(base, "absent"), /does not exist/],
      [path.join(root, "to-app"), /app folder/],
      [base, /contains Ratchet's app folder/],
      [loc.home, /the home folder/],
      ["/", /root of the file system/],
      ["/tmp", /shared temp folder/],
      ["/usr/local", /system folder/],
    ] as const) {
      expect(await checkRoot(folder, guard), folder).toMatchObject({
        ok: false,
        reason: expect.stringMatching(reason),
      });
    }
  });
});

describe("which roots apply", () => {
  const resolve = (input: { saved?: unknown; envRoots?: string[]; workspace?: string }) =>
    resolveWorkspacePolicy({
      saved: input.saved,
      envRoots: input.envRoots ?? [],
      workspace: input.workspace,
      guard,
    });

  it("with nothing configured: one root in the home folder, a default workspace inside it, never the app", async () => {
    const p = await resolve({});
    expect(p).toMatchObject({
      source: "default",
      roots: [path.join(loc.home, "ratchet-workspaces")],
      defaultWorkspace: path.join(loc.home, "ratchet-workspaces", "default"),
      problems: [],
    });
  });

  it("RATCHET_WORKSPACE alone is the one root and the default workspace", async () => {
    const p = await resolve({ workspace: path.join(root, "project") });
    expect(p).toMatchObject({
      source: "env",
      variable: "RATCHET_WORKSPACE",
      roots: [path.join(root, "project")],
      defaultWorkspace: path.join(root, "project"),
      problems: [],
    });
  });

  it("upgrade: RATCHET_WORKSPACE set to the app dir gets a clear problem and the safe default", async () => {
    const p = await resolve({ workspace: loc.appDir });
    expect(p.source).toBe("default");
    expect(p.roots).toEqual([path.join(loc.home, "ratchet-workspaces")]);
    expect(p.defaultWorkspace).toBe(path.join(loc.home, "ratchet-workspaces", "default"));
    expect(p.problems.join("\n")).toMatch(
      /RATCHET_WORKSPACE .*\/app is not used: .* is Ratchet's app folder/,
    );
    expect(p.problems.join("\n")).toMatch(
      /Sessions work in .*ratchet-workspaces instead \(the default root\)/,
    );
  });

  it("RATCHET_WORKSPACE_ROOTS wins over RATCHET_WORKSPACE, which is the default workspace when inside a root", async () => {
    const p = await resolve({ envRoots: [root], workspace: path.join(root, "project") });
    expect(p).toMatchObject({ source: "env", variable: "RATCHET_WORKSPACE_ROOTS", roots: [root] });
    expect(p.defaultWorkspace).toBe(path.join(root, "project"));
    const outside = await resolve({ envRoots: [path.join(root, "project")], workspace: root });
    expect(outside.defaultWorkspace).toBe(path.join(root, "project", "default"));
    expect(outside.problems.join("\n")).toMatch(
      /RATCHET_WORKSPACE .* is not used: .*outside the workspace roots/,
    );
  });

  it("saved roots win over the environment; refused ones are reported and the next source applies", async () => {
    const saved = await resolve({ saved: [path.join(root, "project")], envRoots: [root] });
    expect(saved).toMatchObject({ source: "settings", roots: [path.join(root, "project")] });
    const bad = await resolve({ saved: [path.join(root, "to-data")], envRoots: [root, loc.appDir] });
    expect(bad).toMatchObject({ source: "env", roots: [root], saved: [path.join(root, "to-data")] });
    expect(bad.problems).toHaveLength(3);
    expect(bad.problems[0]).toMatch(/Workspace root \(Settings\) .*to-data is not used: .*data folder/);
    expect(bad.problems[1]).toMatch(/RATCHET_WORKSPACE_ROOTS .*\/app is not used/);
  });

  it("stored garbage in the setting counts as nothing saved", async () => {
    for (const saved of [null, "x", [], [1, 2], { roots: [] }]) {
      expect((await resolve({ saved })).source, JSON.stringify(saved)).toBe("default");
    }
  });
});
