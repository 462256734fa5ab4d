import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isInside, relationOf } from "@/lib/fs/paths";
import { type Locations, protectedFolders } from "./policy";
import { outsideRootsProblem, type ProtectedFolder, SYSTEM_FOLDERS, workspaceProblem } from "./rules";

/** A layout where every protected folder has prefix-siblings (`/srv/app` and `/srv/app-data`). */
const LOC: Locations = {
  appDir: "/srv/ratchet-fixture/app",
  dataDir: "/srv/ratchet-fixture/app-data",
  databaseUrl: "file:/srv/ratchet-fixture/db/ratchet.db",
  toolsDir: "/srv/ratchet-fixture/tools",
  skillsDir: "/srv/ratchet-fixture/skills",
  home: "/home/ratchet-fixture-user",
  tmpDir: "/tmp",
};

let folders: ProtectedFolder[];
const everywhere = () => ({ roots: ["/"], protectedFolders: folders });

beforeAll(async () => {
  folders = protectedFolders(LOC);
});

/** May not be, contain or lie inside: Ratchet's own folders and the system's. */
const WHOLE: Array<[string, string, RegExp]> = [
  ["the app dir", LOC.appDir, /Ratchet's app folder/],
  ["the data dir", LOC.dataDir, /Ratchet's data folder/],
  ["the database file's folder", "/srv/ratchet-fixture/db", /folder of Ratchet's database/],
  ["the tools dir", LOC.toolsDir, /Ratchet's tools folder/],
  ["the skills dir", LOC.skillsDir, /Ratchet's skills folder/],
  ...SYSTEM_FOLDERS.map((f): [string, string, RegExp] => [`system folder ${f}`, f, /a system folder/]),
];

/** May hold a workspace, but may not be or contain one. */
const HOLD: Array<[string, string]> = [
  ["the root folder", "/"],
  ["/tmp", "/tmp"],
  ["/home", "/home"],
  ["the home folder", LOC.home],
];

describe("path rules: every forbidden class × is / contains / inside", () => {
  for (const [name, folder, what] of WHOLE) {
    it(`${name}: is, inside and contains are refused, and the reason names it`, () => {
      const is = workspaceProblem(folder, everywhere());
      expect(is).toMatch(what);
      expect(is).toContain(`${folder} is `);
      const inside = workspaceProblem(path.join(folder, "project", "src"), everywhere());
      expect(inside).toMatch(what);
      expect(inside).toContain("is inside");
      // the folder above it contains it (for /usr that is /, refused as the root itself)
      const parent = path.dirname(folder);
      expect(workspaceProblem(parent, everywhere())).not.toBeNull();
      if (parent !== "/") expect(workspaceProblem(parent, everywhere())).toMatch(/contains/);
    });
  }

  for (const [name, folder] of HOLD) {
    it(`${name}: may hold a workspace but not be or contain one`, () => {
      expect(workspaceProblem(folder, everywhere())).toMatch(new RegExp(`^${folder} is `));
      expect(workspaceProblem(path.join(folder, "projects-fixture", "one"), everywhere())).toBeNull();
      if (folder !== "/") expect(workspaceProblem(path.dirname(folder), everywhere())).not.toBeNull();
    });
  }

  it("the reason for / names the root itself before anything it contains", () => {
    expect(workspaceProblem("/", everywhere())).toMatch(/^\/ is the root of the file system/);
  });

  it("compares path components, never string prefixes", () => {
    for (const sibling of [
      "/srv/ratchet-fixture/app-data2",
      "/srv/ratchet-fixture/apps",
      "/srv/ratchet-fixture/ap",
      "/srv/ratchet-fixture/tools-extra",
      "/srv/ratchet-fixture/skills.bak",
      "/usrlocal",
      "/variable",
      "/optional/x",
      "/home2/x",
      "/tmpfiles/x",
    ]) {
      expect(workspaceProblem(sibling, everywhere()), sibling).toBeNull();
    }
  });

  it("normalises trailing slashes and `..` before comparing", () => {
    expect(workspaceProblem(`${LOC.appDir}/`, everywhere())).toMatch(/Ratchet's app folder/);
    expect(workspaceProblem(path.resolve(LOC.toolsDir, "../app"), everywhere())).toMatch(/app folder/);
    expect(workspaceProblem(path.resolve(LOC.appDir, "..", "elsewhere"), everywhere())).toBeNull();
  });

  it("is outside every root unless it is a root or lies inside one", () => {
    const roots = ["/srv/ws", "/mnt/projects"];
    expect(outsideRootsProblem("/srv/ws", roots)).toBeNull();
    expect(outsideRootsProblem("/srv/ws/a/b", roots)).toBeNull();
    expect(outsideRootsProblem("/mnt/projects/x", roots)).toBeNull();
    for (const outside of [
      "/srv/ws2",
      "/srv/w",
      "/srv",
      "/",
      "/mnt/projects-evil",
      path.resolve("/srv/ws/../x"),
    ]) {
      expect(outsideRootsProblem(outside, roots), outside).toMatch(
        /is outside the workspace roots \(\/srv\/ws, \/mnt\/projects\)/,
      );
    }
    expect(outsideRootsProblem("/srv/ws", [])).toMatch(/no workspace root is usable/);
  });

  it("checks protection before the roots, so a root cannot make a protected folder allowed", () => {
    expect(workspaceProblem(LOC.dataDir, { roots: ["/srv"], protectedFolders: folders })).toMatch(
      /data folder/,
    );
  });

  it("refuses another instance's data dir and anything below it", () => {
    const other = "/srv/other-instance/data";
    for (const folder of [other, `${other}/sub`]) {
      expect(workspaceProblem(folder, everywhere(), [other])).toMatch(
        /another Ratchet instance's data folder/,
      );
    }
  });
});

describe("path helpers", () => {
  it("relate paths by components", () => {
    expect(relationOf("/a/b", "/a/b/")).toBe("same");
    expect(relationOf("/a/b/c", "/a/b")).toBe("inside");
    expect(relationOf("/a", "/a/b")).toBe("contains");
    expect(relationOf("/a/bc", "/a/b")).toBe("apart");
    expect(relationOf("/", "/a")).toBe("contains");
    expect(isInside("/a/b", "/a/b/../c")).toBe(false);
    expect(isInside("/a/b", "/a/b/..c")).toBe(true);
  });
});
