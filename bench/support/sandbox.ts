import path from "node:path";
import type { NetworkPolicy, SandboxSettings } from "../../lib/sandbox/policy";
import { ROOT } from "./stats";

export interface BenchSandbox {
  /** The bench's private data dir (never the real one). */
  dataDir: string;
  toolsDir?: string;
  skillsDir?: string;
  network?: NetworkPolicy;
  settings?: SandboxSettings;
}

/**
 * The sandbox as the server starts it, protecting this checkout and the bench's own data dir. A
 * bench measures the sandboxed path, so an unavailable sandbox ends it (exit 2) rather than letting it
 * time something else. Imported late: lib/ reads RATCHET_DATA_DIR when it loads.
 */
export async function startBenchSandbox(opts: BenchSandbox): Promise<void> {
  const { initSandbox } = await import("../../lib/sandbox/sandbox-runtime");
  const status = await initSandbox({
    locations: {
      dataDir: opts.dataDir,
      appDir: ROOT,
      toolsDir: opts.toolsDir ?? path.join(opts.dataDir, "tools"),
      skillsDir: opts.skillsDir ?? path.join(ROOT, "skills"),
    },
    network: opts.network ?? { mode: "open" },
    ...(opts.settings ? { settings: opts.settings } : {}),
    disabled: false,
  });
  if (status.mode !== "on") {
    console.error(`sandbox unavailable: ${status.reason}`);
    process.exit(2);
  }
}
