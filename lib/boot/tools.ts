import { BUILTIN_NAMES } from "@/lib/agent/tools/builtin-names";
import { syncToolsFromDisk } from "@/lib/tools/lifecycle";

/** Validation runs in the sandbox and takes a moment per tool; the server serves requests meanwhile. */
export async function syncToolsAtBoot(): Promise<void> {
  try {
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    if (sync.needsApproval.length)
      console.warn(`[ratchet] tools waiting for approval (Tools page): ${sync.needsApproval.join(", ")}`);
    for (const { file, reason } of sync.ignored) console.warn(`[ratchet] ignored tools/${file}: ${reason}`);
  } catch (error) {
    console.error("[ratchet] could not check the tools folder", error);
  }
}
