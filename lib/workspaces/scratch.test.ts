import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { holdScratchRoot, workspaceForTurn } from "./session";

/**
 * An evaluation's scratch folder (lib/evaluation) is outside every workspace root: only a turn of
 * an evaluation may work there, and only while the evaluation holds it.
 */
describe("scratch folders of evaluations", () => {
  const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), "ratchet-eval-test-")));
  const copy = path.join(scratch, "0-candidate-1");
  mkdirSync(copy);

  it("a person's session may never work in one; a replay only while it is held", async () => {
    await expect(workspaceForTurn(copy)).rejects.toThrow(/may no longer be used/);
    await expect(workspaceForTurn(copy, { scratch: true })).rejects.toThrow(/may no longer be used/);
    const release = holdScratchRoot(scratch);
    try {
      await expect(workspaceForTurn(copy, { scratch: true })).resolves.toBe(copy);
      // held for a replay, still not a folder for anyone else
      await expect(workspaceForTurn(copy)).rejects.toThrow(/may no longer be used/);
      // a link out of the scratch folder is followed to where it leads, and refused there
      const out = path.join(scratch, "out");
      symlinkSync(process.env.RATCHET_DATA_DIR ?? "/", out);
      await expect(workspaceForTurn(out, { scratch: true })).rejects.toThrow(/may no longer be used/);
    } finally {
      release();
    }
    await expect(workspaceForTurn(copy, { scratch: true })).rejects.toThrow(/may no longer be used/);
  });
});
