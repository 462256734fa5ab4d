import { execFileSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InsideRead, readInside, readInsideSync } from "./read-inside";

const SECRET = "token-ab12cd34ef56ab12cd34ef56ab12cd34";

let base: string;
let folder: string;
let secrets: string;
let socket: net.Server | undefined;

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), "ratchet-read-inside-"));
  folder = path.join(base, "workspace");
  secrets = path.join(base, "data");
  mkdirSync(folder);
  mkdirSync(secrets);
  writeFileSync(path.join(secrets, "token"), `${SECRET}\n`);
  mkdirSync(path.join(secrets, "nested"));
  writeFileSync(path.join(secrets, "nested", "AGENTS.md"), `${SECRET}\n`);
  writeFileSync(path.join(folder, "real.md"), "# Project rules\nUse tabs.\n");
  writeFileSync(path.join(folder, "other.md"), "# Another file in the folder\n");
  socket = net.createServer();
  await new Promise<void>((resolve) => socket?.listen(path.join(folder, "socket.md"), resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  rmSync(base, { recursive: true, force: true });
});

/** Every way a name in the folder can point at something else, built as an attacker would. */
const ATTACKS: Array<{ name: string; plant: (name: string) => void; reason: RegExp }> = [
  {
    name: "symlink to the data dir's token",
    plant: (n) => symlinkSync(path.join(secrets, "token"), path.join(folder, n)),
    reason: /symbolic link/,
  },
  {
    name: "symlink to /proc/self/environ",
    plant: (n) => symlinkSync("/proc/self/environ", path.join(folder, n)),
    reason: /symbolic link/,
  },
  {
    name: "relative symlink out of the folder",
    plant: (n) => symlinkSync("../data/token", path.join(folder, n)),
    reason: /symbolic link/,
  },
  {
    name: "symlink to another file inside the folder",
    plant: (n) => symlinkSync("other.md", path.join(folder, n)),
    reason: /symbolic link/,
  },
  {
    name: "dangling symlink",
    plant: (n) => symlinkSync(path.join(base, "nowhere"), path.join(folder, n)),
    reason: /symbolic link/,
  },
  {
    name: "hard link to the token",
    plant: (n) => linkSync(path.join(secrets, "token"), path.join(folder, n)),
    reason: /[0-9]+ hard links/,
  },
  {
    name: "FIFO (a read that would never end)",
    plant: (n) => execFileSync("mkfifo", [path.join(folder, n)]),
    reason: /not a regular file/,
  },
  {
    name: "folder with the file's name",
    plant: (n) => mkdirSync(path.join(folder, n)),
    reason: /not a regular file/,
  },
];

/** Both ways of reading make the same checks: every test runs against each. */
const READERS: Array<[string, (folder: string, relative: string, maxBytes: number) => Promise<InsideRead>]> =
  [
    ["through the thread pool", readInside],
    ["in place", async (folder, relative, maxBytes) => readInsideSync(folder, relative, maxBytes)],
  ];

describe.each(READERS)("reading a file inside a folder %s, never following a link", (way, readInside) => {
  it("reads a regular file", async () => {
    expect(await readInside(folder, "real.md", 1024)).toEqual({
      kind: "ok",
      text: "# Project rules\nUse tabs.\n",
      truncated: false,
      file: path.join(folder, "real.md"),
    });
  });

  it("says a missing file is missing", async () => {
    expect(await readInside(folder, "absent.md", 1024)).toEqual({ kind: "missing" });
    expect(await readInside(path.join(base, "no-folder"), "AGENTS.md", 1024)).toEqual({ kind: "missing" });
  });

  for (const [i, attack] of ATTACKS.entries()) {
    it(`refuses a ${attack.name}, and says why`, async () => {
      const name = `attack-${i}-${way.replaceAll(" ", "-")}.md`;
      attack.plant(name);
      const read = await readInside(folder, name, 1024);
      expect(read.kind).toBe("refused");
      if (read.kind === "refused") expect(read.reason).toMatch(attack.reason);
      expect(JSON.stringify(read)).not.toContain(SECRET);
    });
  }

  it("refuses a socket", async () => {
    const read = await readInside(folder, "socket.md", 1024);
    expect(read).toEqual({ kind: "refused", reason: expect.stringMatching(/not a regular file/) });
  });

  it("refuses a file below a symlinked folder, wherever the link points", async () => {
    if (!existsSync(path.join(folder, "inner"))) {
      symlinkSync(path.join(secrets, "nested"), path.join(folder, "linked-out"));
      mkdirSync(path.join(folder, "inner"));
      writeFileSync(path.join(folder, "inner", "AGENTS.md"), "inside\n");
      symlinkSync("inner", path.join(folder, "linked-in"));
    }
    for (const rel of ["linked-out/AGENTS.md", "linked-in/AGENTS.md"]) {
      const read = await readInside(folder, rel, 1024);
      expect(read).toEqual({ kind: "refused", reason: "a folder on its path is a symbolic link" });
    }
    expect((await readInside(folder, "inner/AGENTS.md", 1024)).kind).toBe("ok");
  });

  it("refuses paths that are not plain names below the folder", async () => {
    for (const rel of ["../data/token", "/etc/passwd", "a//b", "./real.md", "inner/../real.md", ""]) {
      expect((await readInside(folder, rel, 1024)).kind, rel).toBe("refused");
    }
  });

  it("reads at most the cap of a huge file, from the descriptor it opened", async () => {
    const huge = path.join(folder, "huge.md");
    writeFileSync(huge, "x");
    truncateSync(huge, 2 * 1024 * 1024 * 1024);
    const read = await readInside(folder, "huge.md", 16 * 1024);
    expect(read.kind).toBe("ok");
    if (read.kind === "ok") {
      expect(read.truncated).toBe(true);
      expect(Buffer.byteLength(read.text)).toBeLessThanOrEqual(16 * 1024 * 3);
      expect(read.text.length).toBe(16 * 1024);
    }
    const exact = path.join(folder, "exact.md");
    writeFileSync(exact, "y".repeat(100));
    expect(await readInside(folder, "exact.md", 100)).toMatchObject({ kind: "ok", truncated: false });
  });

  it("resolves the folder itself (a configured root may be a link), never what is inside it", async () => {
    if (!existsSync(path.join(base, "workspace-link")))
      symlinkSync(folder, path.join(base, "workspace-link"));
    expect(await readInside(path.join(base, "workspace-link"), "real.md", 1024)).toMatchObject({
      kind: "ok",
      file: path.join(folder, "real.md"),
    });
  });
});
