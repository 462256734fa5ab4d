import { describe, expect, it } from "vitest";
import { listMessages } from "@/lib/db/queries/messages";
import { createSession, startTurn } from "@/lib/db/queries/sessions";
import { recordStatements } from "@/lib/db/statements";
import { Transcript } from "./transcript";

async function open(): Promise<{ sessionId: string; transcript: Transcript }> {
  const session = await createSession({ title: "t", workspace: "/tmp", budgetUsd: null, model: "m" });
  const turn = await startTurn(session.id);
  return { sessionId: session.id, transcript: await Transcript.open(session.id, turn.id) };
}

const partWrites = (sql: string[]) => sql.filter((s) => /^INSERT INTO "Part"/.test(s)).length;

describe("a turn's transcript", () => {
  it("at the turn's end writes only the parts changed since their last save, never a tool's output again", async () => {
    const { sessionId, transcript } = await open();
    const text = transcript.startText();
    transcript.appendText(text, "running it");
    await transcript.save(text);
    const update = await transcript.addTool({
      type: "tool",
      callId: "c1",
      tool: "run_command",
      input: { command: "yes | head -c 1000000" },
      state: "running",
    });
    await update({ state: "completed", output: "y\n".repeat(500_000), exitCode: 0 });
    const after = transcript.startText();
    transcript.appendText(after, "done");
    const closing = await recordStatements(() => transcript.close());
    // the last text, which was never saved; the text and the tool part were saved as they stand
    expect(partWrites(closing)).toBe(1);
    const [message] = await listMessages(sessionId);
    expect(message?.parts.map((p) => p.data)).toEqual([
      { type: "text", text: "running it" },
      expect.objectContaining({ type: "tool", state: "completed", exitCode: 0 }),
      { type: "text", text: "done" },
    ]);
  });

  it("saves at the turn's end what changed after a save, and a tool cut off while running", async () => {
    const { sessionId, transcript } = await open();
    const text = transcript.startText();
    transcript.appendText(text, "one");
    await transcript.save(text);
    transcript.appendText(text, " two");
    await transcript.addTool({
      type: "tool",
      callId: "c2",
      tool: "run_command",
      input: {},
      state: "running",
    });
    const closing = await recordStatements(() => transcript.close());
    expect(partWrites(closing)).toBe(2);
    const [message] = await listMessages(sessionId);
    expect(message?.parts.map((p) => p.data)).toEqual([
      { type: "text", text: "one two" },
      expect.objectContaining({ type: "tool", state: "error", output: "Tool execution aborted." }),
    ]);
  });
});
