import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { syncToolsFromDisk } from "@/lib/tools/disk-sync";
import { starterToolsDir, toolsDir, toolsDirNote } from "@/lib/tools/paths";

/** Validation runs in the sandbox and takes a moment per tool; the server serves requests meanwhile. */
export async function syncToolsAtBoot(): Promise<void> {
  try {
    const note = toolsDirNote();
    if (note) console.warn(`[ratchet] ${note}`);
    const sync = await syncToolsFromDisk(BUILTIN_NAMES);
    if (sync.moved.length)
      console.warn(
        `[ratchet] approved tools now live in ${toolsDir()}: copied ${sync.moved.join(", ")} there from ${starterToolsDir()}, with their approvals (the copies in the app folder are no longer used and can be deleted)`,
      );
    if (sync.requeued.length)
      console.warn(
        `[ratchet] tools an earlier Ratchet trusted at its first start without anyone approving them wait for approval again (Tools page): ${sync.requeued.join(", ")}`,
      );
    if (sync.needsApproval.length)
      console.warn(`[ratchet] tools waiting for approval (Tools page): ${sync.needsApproval.join(", ")}`);
    for (const { name, reason } of sync.refused) console.warn(`[ratchet] refused tool ${name}: ${reason}`);
    for (const { file, reason } of sync.ignored)
      console.warn(`[ratchet] ignored tool file ${file}: ${reason}`);
  } catch (error) {
    console.error("[ratchet] could not check the tools folders", error);
  }
}
