import { spawn, spawnSync } from "node:child_process";
import { expect, test } from "@playwright/test";

test("refuses to bind a non-loopback HOST without RATCHET_ALLOW_REMOTE and says why", () => {
  const result = spawnSync(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, HOST: "0.0.0.0", PORT: "3199", RATCHET_ALLOW_REMOTE: "" },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("RATCHET_ALLOW_REMOTE=1");
});

test("a configuration the server refuses at boot (Next already loading) stops the start: nothing is ever answered, the reason is said", async () => {
  const port = 3198;
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), RATCHET_TOKEN: "too-short" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const pipe of [child.stdout, child.stderr]) pipe.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let answered = false;
  let done = false;
  void exited.then(() => (done = true));
  // Next listens within a second and the boot ends it: poll the port until the script has exited
  while (!done) {
    answered ||= await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(500) })
      .then(() => true)
      .catch(() => false);
  }
  expect(await exited).toBe(1);
  expect(output).toContain("RATCHET_TOKEN must be at least 32 characters");
  expect(answered).toBe(false);
});
