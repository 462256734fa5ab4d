// The few system packages Ratchet's tests need: a browser for Playwright, procps for pgrep.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const NEEDED = [
  {
    check: () => existsSync("/usr/bin/chromium"),
    pkg: "chromium",
    why: "a browser for the end-to-end tests",
  },
  { check: () => has("pgrep"), pkg: "procps", why: "pgrep, used to prove no process outlives a turn" },
];

function has(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** Installs what is missing through apt when we are root; otherwise says what to install. */
export function ensureSystemPackages() {
  const missing = NEEDED.filter((n) => !n.check());
  if (missing.length === 0) return;
  const names = missing.map((m) => m.pkg);
  if (process.getuid?.() === 0 && has("apt-get")) {
    console.log(`[ratchet] installing ${names.join(", ")} with apt-get…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", ...names], { stdio: "inherit", env });
    return;
  }
  for (const m of missing)
    console.warn(`[ratchet] missing ${m.pkg}: ${m.why}. Install it (e.g. sudo apt-get install ${m.pkg}).`);
}
