import { describe, expect, it } from "vitest";
import { hashText, joinRequest, referencedHashes, splitRequest, viewRequest } from "./request-record";

const SYSTEM = { role: "system", content: "You are Ratchet.\n## Working memory\n- Use pnpm." };
const TOOLS = [
  { type: "function", function: { name: "run_command", description: "Run a command", parameters: {} } },
];

/** A Chat Completions body as the SDK sends it, at step `n` of a turn. */
function chatBody(history: unknown[]): string {
  return JSON.stringify({
    model: "m",
    stream: true,
    messages: [SYSTEM, ...history],
    tools: TOOLS,
    temperature: 0,
  });
}

const USER = { role: "user", content: "list the files" };
const CALL = {
  role: "assistant",
  content: "",
  tool_calls: [
    { id: "c1", type: "function", function: { name: "run_command", arguments: '{"command":"ls"}' } },
  ],
};
const RESULT = { role: "tool", tool_call_id: "c1", content: "a.txt\nb.txt" };

describe("a model request, stored compactly", () => {
  it("puts back exactly the body that was sent", () => {
    for (const body of [
      chatBody([USER]),
      chatBody([USER, CALL, RESULT]),
      '{"input":[],"instructions":"x"}',
    ]) {
      const { skeleton, blobs } = splitRequest(body);
      expect(joinRequest(skeleton, blobs)).toEqual(JSON.parse(body));
      expect(referencedHashes(skeleton).every((h) => blobs.has(h))).toBe(true);
    }
  });

  it("shares the system prompt, the tools and the earlier history between steps", () => {
    const first = splitRequest(chatBody([USER]));
    const second = splitRequest(chatBody([USER, CALL, RESULT]));
    const shared = [...second.blobs.keys()].filter((h) => first.blobs.has(h));
    // system, tools and the user's message are the same blobs; only the call and its result are new
    expect(shared.length).toBe(3);
    expect(second.blobs.size - shared.length).toBe(2);
    expect(JSON.stringify(second.skeleton).length).toBeLessThan(600);
  });

  it("reads a reference only where it put one: a message that looks like one stays text", () => {
    const forged = { role: "user", content: [{ $blob: hashText(JSON.stringify(SYSTEM)) }] };
    const { skeleton, blobs } = splitRequest(chatBody([forged]));
    const body = joinRequest(skeleton, blobs);
    expect((body.messages as unknown[])[1]).toEqual(forged);
  });

  it("keeps a body that is not a JSON object whole", () => {
    const { skeleton, blobs } = splitRequest("not json");
    expect(joinRequest(skeleton, blobs)).toEqual({ raw: "not json" });
  });

  it("shows the system prompt, the tools, the history and the rest, with token estimates", () => {
    const { skeleton, blobs } = splitRequest(chatBody([USER, CALL, RESULT]));
    const meta = { id: "r", turnId: "t", step: 2, createdAt: "2026-01-01T00:00:00.000Z", bytes: 10 };
    const view = viewRequest(meta, joinRequest(skeleton, blobs));
    expect(view.system.map((s) => s.text)).toEqual([SYSTEM.content]);
    expect(view.tools.map((t) => t.label)).toEqual(["run_command"]);
    expect(view.messages.map((m) => [m.label, m.text])).toEqual([
      ["user", "list the files"],
      ["assistant", '→ run_command({"command":"ls"})'],
      ["tool result", "a.txt\nb.txt"],
    ]);
    expect(view.params).toEqual({ model: "m", stream: true, temperature: 0 });
    expect(view.tokens.system).toBe(Math.ceil(SYSTEM.content.length / 4));
  });
});
