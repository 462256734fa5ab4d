import { spawnSync } from "node:child_process";
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
