// The few system packages Ratchet needs: the sandbox (bubblewrap, socat) to run commands, ripgrep for
// the search_code tool, and for the tests a browser for Playwright and procps for pgrep.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";

const NEEDED = [
  {
    group: "sandbox",
    check: () => has("bwrap"),
    pkg: "bubblewrap",
    why: "the sandbox every command runs in",
  },
  { group: "sandbox", check: () => has("socat"), pkg: "socat", why: "the sandbox's network bridge" },
  { group: "sandbox", check: () => has("rg"), pkg: "ripgrep", why: "fast searches in the search_code tool" },
  {
    group: "test",
    check: () => existsSync("/usr/bin/chromium"),
    pkg: "chromium",
    why: "a browser for the end-to-end tests",
  },
  {
    group: "test",
    check: () => has("pgrep"),
    pkg: "procps",
    why: "pgrep, used to prove no process outlives a turn",
  },
];

/** On PATH as an executable: looked up in the folders, not by starting a shell (every start asks). */
function has(cmd) {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    try {
      accessSync(path.join(dir || ".", cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Installs what is missing through apt when we are root; otherwise says what to install. */
export function ensureSystemPackages(groups = ["sandbox", "test"]) {
  const missing = NEEDED.filter((n) => groups.includes(n.group) && !n.check());
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
