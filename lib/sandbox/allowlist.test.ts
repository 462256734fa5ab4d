import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPrivateTmp } from "./private-tmp";
import { runProcess } from "./run-process";
import { initSandbox, setSandboxSettings } from "./sandbox-runtime";
import { runStarted, type StartMode } from "./test-support";

/**
 * The sandbox by allowlist (security rows 22, 25, 26, 29): a command sees the system folders, the
 * toolchains, its workspace and what an admin added; nothing else of the machine exists for it,
 * nothing of the server's environment reaches it but a fixed set, and its caches are its own.
 */
const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-allowlist-"));
const dirs = {
  workspace: path.join(root, "ws", "one"),
  other: path.join(root, "ws", "two"),
  data: path.join(root, "data"),
  app: path.join(root, "app"),
  home: path.join(root, "home"),
  elsewhere: path.join(root, "elsewhere-db"),
  otherInstance: path.join(root, "other-instance", "data"),
  shared: path.join(root, "shared-toolchain"),
};
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
const files: [string, string][] = [
  [path.join(dirs.data, "token"), "TOKEN-CONTENT"],
  [path.join(dirs.data, "ratchet.db"), "DATABASE-CONTENT"],
  [path.join(dirs.app, ".env"), "DOTENV-CONTENT"],
  [path.join(dirs.app, "package.json"), '{"name":"app"}'],
  [path.join(dirs.elsewhere, "ratchet.db"), "ELSEWHERE-DB-CONTENT"],
  [path.join(dirs.otherInstance, "token"), "OTHER-INSTANCE-TOKEN"],
  [path.join(dirs.home, ".ssh", "id_ed25519"), "SSH-KEY"],
  [path.join(dirs.home, ".config", "gh", "hosts.yml"), "GH-TOKEN"],
  [path.join(dirs.home, ".config", "app", "settings"), "CONFIG-CONTENT"],
  [path.join(dirs.home, ".claude", ".credentials.json"), "CLAUDE-CREDENTIALS"],
  [path.join(dirs.home, ".npmrc"), "NPMRC-TOKEN"],
  [path.join(dirs.home, "notes.txt"), "HOME-NOTES"],
  [path.join(dirs.shared, "README"), "SHARED-TOOLCHAIN"],
];
for (const [file, content] of files) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}
const SECRETS = files
  .map(([, content]) => content)
  .filter((c) => c !== "SHARED-TOOLCHAIN" && !c.startsWith("{"));

function runIn(mode: StartMode, command: string, cwd = dirs.workspace, workspace = dirs.workspace) {
  return runStarted(mode, {
    command,
    cwd,
    privateTmp: true,
    timeoutMs: 30_000,
    modelCapBytes: 256 * 1024,
    streamCapBytes: 4 * 1024 * 1024,
    sandbox: { writable: [workspace], network: "none", workspace },
  });
}

const saved = { ...process.env };

beforeAll(async () => {
  const status = await initSandbox({
    locations: {
      dataDir: dirs.data,
      appDir: dirs.app,
      toolsDir: path.join(dirs.app, "tools"),
      skillsDir: path.join(dirs.app, "skills"),
      databaseDir: dirs.elsewhere,
      home: dirs.home,
    },
    network: { mode: "none" },
    disabled: false,
  });
  expect(status.mode, status.reason ?? "").toBe("on");
});

afterAll(() => {
  process.env = saved;
});

/** Every row twice: in a sandbox started for the command, and in one started before it was known. */
describe.each<StartMode>(["fresh", "prestarted"])("%s sandbox", (mode) => {
  const run = (command: string, cwd?: string, workspace?: string) => runIn(mode, command, cwd, workspace);
  describe("row 22: the app and its data are neither writable nor readable, whatever the path", () => {
    it("writes into the app dir, its build, its .env files and the data dir all fail, and nothing appears", async () => {
      const targets = [
        `${dirs.app}/.env.local`,
        `${dirs.app}/.env.production.local`,
        `${dirs.app}/.next/server/app/route.js`,
        `${dirs.app}/lib/evil.ts`,
        `${dirs.app}/package.json`,
        `${dirs.data}/token`,
        `${dirs.data}/ratchet.db`,
        `${dirs.elsewhere}/ratchet.db`,
      ];
      const result = await run(
        targets.map((t) => `mkdir -p ${path.dirname(t)} 2>/dev/null; echo EVIL > ${t}`).join("; "),
      );
      expect(result.status).toBe("exited");
      expect(readdirSync(dirs.app).sort()).toEqual([".env", "package.json"]);
      expect(readFileSync(path.join(dirs.app, "package.json"), "utf8")).toBe('{"name":"app"}');
      expect(readFileSync(path.join(dirs.data, "token"), "utf8")).toBe("TOKEN-CONTENT");
      expect(readFileSync(path.join(dirs.elsewhere, "ratchet.db"), "utf8")).toBe("ELSEWHERE-DB-CONTENT");
    });

    it("an .env file created after start is as unreadable as one that existed (by construction, not by list)", async () => {
      writeFileSync(path.join(dirs.app, ".env.later"), "LATER-DOTENV");
      const result = await run(`cat ${dirs.app}/.env.later ${dirs.app}/.env; ls -a ${dirs.app}`).finally(() =>
        rmSync(path.join(dirs.app, ".env.later")),
      );
      expect(result.output).not.toContain("LATER-DOTENV");
      expect(result.output).not.toContain("DOTENV-CONTENT");
      expect(result.output).toMatch(/No such file or directory/);
    });
  });

  describe("row 26: reads by allowlist", () => {
    it("the home directory, other data dirs and a database outside the data dir do not exist inside", async () => {
      const paths = files.map(([file]) => file).filter((f) => !f.startsWith(dirs.shared));
      const result = await run(
        `for f in ${paths.join(" ")}; do cat "$f" 2>/dev/null && echo "READ $f"; done; ls -a ${dirs.home} ${dirs.otherInstance} ${root} 2>&1; ls /srv /var /opt /run /home /root /mnt 2>&1 | head -40; echo done`,
      );
      expect(result.output).toContain("done");
      expect(result.output).not.toContain("READ ");
      for (const secret of SECRETS) expect(result.output).not.toContain(secret);
    });

    it("system folders and toolchains are there; an admin's read path is added, protected folders inside it covered", async () => {
      mkdirSync(path.join(dirs.shared, "inner"), { recursive: true });
      const before = await run(`cat ${dirs.shared}/README; ls /usr/bin/env /etc/passwd`);
      expect(before.output).not.toContain("SHARED-TOOLCHAIN");
      expect(before.output).toContain("/usr/bin/env");
      setSandboxSettings({ readPaths: [dirs.shared, root], envNames: [], privateNetworks: [] });
      try {
        const after = await run(
          `cat ${dirs.shared}/README; echo; touch ${dirs.shared}/written; cat ${dirs.data}/token ${dirs.elsewhere}/ratchet.db ${dirs.app}/.env; echo end`,
        );
        expect(after.output).toContain("SHARED-TOOLCHAIN");
        expect(existsSync(path.join(dirs.shared, "written"))).toBe(false);
        // the admin listed a folder that holds Ratchet's own: those stay covered
        for (const secret of ["TOKEN-CONTENT", "ELSEWHERE-DB-CONTENT", "DOTENV-CONTENT"])
          expect(after.output).not.toContain(secret);
      } finally {
        setSandboxSettings({ readPaths: [], envNames: [], privateNetworks: [] });
      }
    });

    it("machine secrets inside the system folders are covered", async () => {
      const result = await run("wc -c < /etc/shadow; cat /etc/shadow; ls /etc/ssl/private | wc -l");
      expect(result.output).not.toMatch(/^root:/m);
      expect(result.output.trim().split(/\s+/)[0]).toBe("0");
    });
  });

  describe("row 25: environment by allowlist", () => {
    it("no server variable reaches a command unless it is on the fixed list or named in Settings", async () => {
      const planted: Record<string, string> = {
        DATABASE_URL: "postgresql://ratchet:db-password-123@db.internal:5432/ratchet",
        MIRROR_URL: "https://deploy:mirror-password-456@mirror.example/",
        NODE_OPTIONS: "--require /tmp/evil.js",
        NODE_COMPILE_CACHE: "/srv/ratchet/.next/node-compile-cache",
        SOME_UNLISTED_VARIABLE: "unlisted-value-789",
        PORT: "3000",
        RATCHET_TOKEN: "ratchet-token-value-000000000000",
        OPENAI_API_KEY: "sk-should-never-appear-0000",
        AWS_SECRET_ACCESS_KEY: "aws-secret-value-111",
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
      };
      Object.assign(process.env, planted);
      const result = await run("env");
      for (const name of Object.keys(planted).filter((n) => n !== "LANG" && n !== "LC_ALL")) {
        expect(result.output, name).not.toContain(`${name}=`);
        expect(result.output).not.toContain(planted[name]);
      }
      expect(result.output).toContain("LANG=C.UTF-8");
      expect(result.output).toContain("LC_ALL=C.UTF-8");
      expect(result.output).toMatch(/^PATH=/m);
      expect(result.output).toMatch(/^HOME=/m);

      setSandboxSettings({ readPaths: [], envNames: ["SOME_UNLISTED_VARIABLE"], privateNetworks: [] });
      try {
        const passed = await run("env");
        expect(passed.output).toContain("SOME_UNLISTED_VARIABLE=unlisted-value-789");
        expect(passed.output).not.toContain("DATABASE_URL=");
      } finally {
        setSandboxSettings({ readPaths: [], envNames: [], privateNetworks: [] });
      }
    });
  });

  describe("a workspace swapped for a link after it was checked", () => {
    it("is refused, not followed: the command does not run", async () => {
      const real = path.join(root, "ws", `swapped-real-${mode}`);
      mkdirSync(real, { recursive: true });
      const link = path.join(root, "ws", `swapped-${mode}`);
      symlinkSync(dirs.app, link);
      const result = await withPrivateTmp((tmp) =>
        runProcess({
          command: "touch planted && echo RAN",
          cwd: link,
          env: { TMPDIR: tmp },
          timeoutMs: 10_000,
          modelCapBytes: 1024,
          streamCapBytes: 1024,
          sandbox: { writable: [link, tmp], network: "none", workspace: link },
        }),
      );
      expect(result.status).toBe("sandbox-unavailable");
      expect(result.error).toMatch(/no longer the folder it was/);
      expect(existsSync(path.join(dirs.app, "planted"))).toBe(false);
    });
  });

  describe("row 29: caches belong to one workspace", () => {
    it("what a command plants in its home or caches is not there for another workspace, and no shared folder is used", async () => {
      const plant = await run(
        "mkdir -p ~/.cache/pip ~/.cargo-aliases && echo PLANTED > ~/.cache/pip/planted && echo '[alias] b = \"!evil\"' > ~/.cache/cargo/config.toml 2>/dev/null; echo PLANTED > ~/.bashrc; echo ok",
      );
      expect(plant.output).toContain("ok");
      const again = await run("cat ~/.cache/pip/planted");
      expect(again.output).toContain("PLANTED");
      const other = await run("cat ~/.cache/pip/planted ~/.bashrc 2>&1; echo end", dirs.other, dirs.other);
      expect(other.output).not.toContain("PLANTED");
      expect(existsSync(path.join(os.tmpdir(), "ratchet-sandbox-cache", "pip", "planted"))).toBe(false);
      // the homes live in the data dir, one per workspace, never in the workspace itself
      expect(readdirSync(path.join(dirs.data, "sandbox"))).toHaveLength(2);
      expect(readdirSync(dirs.workspace)).not.toContain(".cache");
    });
  });
});
