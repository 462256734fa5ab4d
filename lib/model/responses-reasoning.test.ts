import { describe, expect, it } from "vitest";
import { renameReasoningLine, withReasoningText } from "./responses-reasoning";

const delta = {
  type: "response.reasoning_text.delta",
  sequence_number: 4,
  item_id: "rs_1",
  output_index: 0,
  content_index: 0,
  delta: "thinking",
};

async function through(chunks: string[], contentType = "text/event-stream"): Promise<string> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  const send = (async () => new Response(body, { headers: { "content-type": contentType } })) as typeof fetch;
  return (await withReasoningText(send)("http://h/v1/responses")).text();
}

describe("full reasoning from a local Responses server", () => {
  it("becomes a summary delta of the same item, and nothing else changes", () => {
    const renamed = JSON.parse(renameReasoningLine(`data: ${JSON.stringify(delta)}`).slice(6));
    expect(renamed).toEqual({
      type: "response.reasoning_summary_text.delta",
      item_id: "rs_1",
      output_index: 0,
      summary_index: 0,
      delta: "thinking",
      sequence_number: 4,
    });
    for (const line of [
      "event: response.reasoning_text.delta",
      'data: {"type":"response.output_text.delta","delta":"response.reasoning_text.delta"}',
      "data: {broken response.reasoning_text.delta",
      "data: [DONE]",
      "",
    ])
      expect(renameReasoningLine(line)).toBe(line);
  });

  it("is renamed when its line arrives split across chunks, with CRLF endings", async () => {
    const line = `data: ${JSON.stringify(delta)}\r\n\r\n`;
    const out = await through([line.slice(0, 17), line.slice(17, 40), line.slice(40)]);
    expect(out).toContain('"type":"response.reasoning_summary_text.delta"');
    expect(out.endsWith("\r\n\r\n")).toBe(true);
  });

  it("leaves a body that is not an event stream as it came", async () => {
    const json = JSON.stringify({ output: [{ type: "reasoning", content: [delta] }] });
    expect(await through([json], "application/json")).toBe(json);
  });
});
