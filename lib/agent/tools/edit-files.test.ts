import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionEventBody } from "@/lib/events/types";
import { startTestSandbox } from "@/lib/testing/sandbox";
import type { ToolContext } from "@/lib/tools/types";
import { applyPatch, editFile, writeFile } from "./edit-files";

// The edit tools as the turn calls them: what the model reads back, and the diff events the
// terminal renders, secrets masked like every other byte that leaves a tool.

const SECRET = "sk-live-0123456789abcdefghijklmnop";

function context(workspace: string, events: SessionEventBody[]): ToolContext {
  return {
    sessionId: "s1",
    turnId: "t1",
    callId: "c1",
    workspace,
    signal: new AbortController().signal,
    secrets: [SECRET],
    emit: async (body) => {
      events.push(body);
    },
    trackProcess: async () => {},
    untrackProcess: async () => {},
    reload: async () => "",
  };
}

beforeAll(async () => {
  await startTestSandbox();
});

describe("the edit tools' outcome", () => {
  it("tells the model the files and counts, and the terminal each diff with secrets masked", async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), "ratchet-edit-tool-"));
    writeFileSync(path.join(ws, "config.ts"), `export const key = "old";\n`);
    const events: SessionEventBody[] = [];
    const patch = [
      "*** Begin Patch",
      "*** Update File: config.ts",
      `-export const key = "old";`,
      `+export const key = "${SECRET}";`,
      "*** Add File: docs/readme.md",
      "+# hello",
      "*** End Patch",
    ].join("\n");
    const outcome = await applyPatch.execute({ patch }, context(ws, events));
    expect(outcome).toMatchObject({ state: "completed", summary: "2 files · +2 -1", errorClass: null });
    expect(outcome.output).toBe("Changed 2 files:\n  M config.ts (+1 -1)\n  A docs/readme.md (+1 -0)");
    expect(events.map((e) => e.type)).toEqual(["file-diff", "file-diff"]);
    const first = events[0];
    if (first?.type !== "file-diff") throw new Error("expected a file-diff event");
    expect(first).toMatchObject({
      callId: "c1",
      path: "config.ts",
      status: "modified",
      additions: 1,
      deletions: 1,
    });
    expect(first.diff).not.toContain(SECRET);
    expect(first.diff).toContain('-export const key = "old";');
    // the file itself holds what the model wrote: masking is for what is shown, not for the edit
    expect(readFileSync(path.join(ws, "config.ts"), "utf8")).toContain(SECRET);
    expect(applyPatch.summarize({ patch })).toBe("config.ts, docs/readme.md");
  });

  it("a refused edit is an error the model can act on, with no diff shown", async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), "ratchet-edit-tool-"));
    writeFileSync(path.join(ws, "f.txt"), "a\na\n");
    const events: SessionEventBody[] = [];
    const outcome = await editFile.execute(
      { path: "f.txt", old_string: "a", new_string: "b" },
      context(ws, events),
    );
    expect(outcome).toMatchObject({
      state: "error",
      summary: expect.stringMatching(/^refused: old_string occurs 2 times in f\.txt/),
      errorClass: "tool_error",
    });
    expect(outcome.output).toContain("old_string occurs 2 times in f.txt (at lines 1 and 2)");
    expect(events).toEqual([]);
  });

  it("writing the same content again changes nothing and says so", async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), "ratchet-edit-tool-"));
    writeFileSync(path.join(ws, "same.txt"), "x\n");
    const events: SessionEventBody[] = [];
    const outcome = await writeFile.execute({ path: "same.txt", content: "x\n" }, context(ws, events));
    expect(outcome).toMatchObject({ state: "completed", summary: "0 files · +0 -0" });
    expect(outcome.output).toBe("No file changed: the new content is the same as the old.");
    expect(events).toEqual([]);
  });
});
