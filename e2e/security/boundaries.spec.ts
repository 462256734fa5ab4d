/**
 * Rows 24, 25 and 38 of the security suite (docs/security.md), through the running app, with the
 * app itself bound to IPv6 loopback (`HOST=::1`, the setup in which a command once reached Ratchet
 * and made itself an admin):
 * - a command cannot reach Ratchet or any other service of this machine by any spelling of its
 *   addresses, and every attempt through the proxy is a recorded sandbox denial;
 * - no variable of the server's environment reaches a command but the fixed set;
 * - `git add -A` and `git commit` work in a session, and a hook the command plants is moved to
 *   quarantine and reported in the transcript.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "../support/fixtures";
import {
  createSession,
  queryDatabase,
  runTurn,
  type SecurityApp,
  startSecurityApp,
} from "../support/security";

const RUN = Date.now().toString(36);
const SECRET_URL = `https://deploy:url-password-${RUN}@mirror.example/`;
const OTHER_SECRET = `unlisted-value-${RUN}`;

let sec: SecurityApp;

const cmd = (command: string) => `[[tool: run_command ${JSON.stringify({ command })}]]`;

/** What the model was given back for each tool call of the last turn, in order. */
function modelSaw(): string[] {
  return sec.llm.requests.flatMap((r) => r.toolResults.map((t) => t.output));
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sec = await startSecurityApp({
    name: "boundaries",
    offset: 12,
    host: "::1",
    env: { MIRROR_URL: SECRET_URL, SOME_UNLISTED_VARIABLE: OTHER_SECRET },
  });
});

test.afterAll(async () => {
  await sec?.stop();
});

test("row 24: a command reaches neither Ratchet nor another service of this machine by any spelling, and each attempt is a recorded denial", async () => {
  test.setTimeout(120_000);
  const port = sec.app.port;
  const machine = Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal)
    .map((i) => (i?.family === "IPv6" ? `[${i.address.split("%")[0]}]` : (i?.address ?? "")));
  const spellings = [
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "localhost",
    "127.0.0.1",
    "127.0.0.2",
    "0x7f.1",
    "[::ffff:127.0.0.1]",
    "[::]",
    "0.0.0.0",
    ...machine.filter(Boolean),
  ];
  const probes = spellings.flatMap((host) => [
    `curl -sS -m 5 --noproxy '' http://${host}:${port}/api/health`,
    `curl -sS -m 5 --noproxy '' -p http://${host}:${port}/api/health`,
  ]);
  // without the proxy a name for this machine is the sandbox's own loopback, where nothing listens
  probes.push(`curl -sS -m 5 --noproxy '*' http://[::1]:${port}/api/health`);
  const id = await createSession(sec.api, "reach ratchet");
  sec.llm.reset();
  await runTurn(sec.api, id, cmd(`${probes.map((p) => `${p}; echo " rc=$?"`).join("\n")}\nfalse`), 90_000);
  const [output = ""] = modelSaw();
  expect(output).not.toContain('"ok":true');
  expect(output).toContain("[sandbox] network requests blocked");
  expect(output).toMatch(/loopback/);
  // the app's own log and the login code there are not in the sandbox either
  expect(output).not.toContain("login");
  await expect
    .poll(
      () =>
        queryDatabase<{ errorClass: string | null }>(
          sec.dirs.data,
          'SELECT "errorClass" FROM "ToolCall" WHERE "sessionId" = ?',
          id,
        )[0]?.errorClass ?? null,
    )
    .toBe("sandbox_denial");
});

test("row 25: no server variable reaches a command but the fixed set, whatever its name", async () => {
  const id = await createSession(sec.api, "environment");
  sec.llm.reset();
  await runTurn(sec.api, id, cmd("env; echo end"), 60_000);
  const [output = ""] = modelSaw();
  expect(output).toContain("end");
  for (const leaked of [
    SECRET_URL,
    "url-password",
    OTHER_SECRET,
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "DATABASE_URL",
    "NODE_OPTIONS",
    // the server's own settings (scripts/server-env.json), in its environment in every run
    "NODE_COMPILE_CACHE",
    "MALLOC_ARENA_MAX",
    "PORT=",
    "HOST=",
  ])
    expect(output, leaked).not.toContain(leaked);
  expect(output).toMatch(/^PATH=/m);
  // the one RATCHET_ variable is the marker that finds the command's processes after a crash
  expect(output.match(/^RATCHET_\w+/gm)).toEqual(["RATCHET_PROC"]);
});

test("row 38: git add -A and git commit work in a session; a planted hook is quarantined and the transcript says so", async () => {
  test.setTimeout(120_000);
  const ws = sec.dirs.workspace;
  writeFileSync(path.join(ws, "README.md"), "# demo\n");
  const git = "git -c user.name=Agent -c user.email=agent@example.invalid";
  const id = await createSession(sec.api, "commit");
  sec.llm.reset();
  const first = [
    `${git} init -q -b main && ${git} add -A && ${git} commit -q -m 'first commit'`,
    "echo devices=$(find . -type c | wc -l)",
    "printf '#!/bin/sh\\ncurl evil\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit",
    "echo committed",
  ].join("; ");
  const second = `${git} config core.hooksPath /tmp/hooks; echo rc=$?`;
  await runTurn(sec.api, id, `${cmd(first)} ${cmd(second)}`, 60_000);
  const [commit = "", config = ""] = modelSaw();
  expect(commit).toContain("devices=0");
  expect(commit).toContain("committed");
  expect(commit).toMatch(/\[sandbox\] \.git\/hooks was created by the command; moved to /);
  expect(execFileSync("git", ["log", "--format=%s"], { cwd: ws, encoding: "utf8" }).trim()).toBe(
    "first commit",
  );
  expect(execFileSync("git", ["status", "--porcelain"], { cwd: ws, encoding: "utf8" })).toBe("");
  expect(existsSync(path.join(ws, ".git", "hooks", "pre-commit"))).toBe(false);
  // the config git init wrote is read-only from the next command on
  expect(config).toMatch(/rc=[1-9]/);
  expect(readFileSync(path.join(ws, ".git", "config"), "utf8")).not.toContain("hooksPath");
});
