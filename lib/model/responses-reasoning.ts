/**
 * Local Responses API servers (LM Studio, gpt-oss runtimes) stream a model's full reasoning as
 * `response.reasoning_text.delta`; OpenAI streams only summaries (`response.reasoning_summary_text
 * .delta`), and that is all `@ai-sdk/openai` reads. This fetch renames the one event into the other
 * on the way in, so the reasoning reaches the turn like OpenAI's: same item, same part, same masking.
 * Nothing else in the stream is touched; a line that is not JSON passes as it came (the SDK judges it).
 */

const REASONING_TEXT_DELTA = "response.reasoning_text.delta";

/** One SSE line as the SDK should read it. */
export function renameReasoningLine(line: string): string {
  if (!line.startsWith("data:") || !line.includes(REASONING_TEXT_DELTA)) return line;
  let event: unknown;
  try {
    event = JSON.parse(line.slice("data:".length));
  } catch {
    return line;
  }
  const fields = typeof event === "object" && event !== null ? (event as Record<string, unknown>) : {};
  if (fields.type !== REASONING_TEXT_DELTA || typeof fields.delta !== "string") return line;
  const summary = {
    type: "response.reasoning_summary_text.delta",
    item_id: fields.item_id,
    output_index: fields.output_index,
    // the SDK opened part 0 of every reasoning item when the item was added
    summary_index: 0,
    delta: fields.delta,
    ...(fields.sequence_number !== undefined && { sequence_number: fields.sequence_number }),
  };
  return `data: ${JSON.stringify(summary)}`;
}

/** Splits a byte stream into lines (keeping the endings) and maps each. */
function mapLines(map: (line: string) => string): TransformStream<string, string> {
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      pending += chunk;
      let end = pending.indexOf("\n");
      while (end !== -1) {
        const line = pending.slice(0, end);
        const cr = line.endsWith("\r");
        controller.enqueue(`${map(cr ? line.slice(0, -1) : line)}${cr ? "\r\n" : "\n"}`);
        pending = pending.slice(end + 1);
        end = pending.indexOf("\n");
      }
    },
    flush(controller) {
      if (pending) controller.enqueue(map(pending));
    },
  });
}

/** A fetch whose Responses API event streams carry full reasoning as summaries. */
export function withReasoningText(send: typeof fetch): typeof fetch {
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const response = await send(input, init);
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !response.body || !type.includes("text/event-stream")) return response;
    const body = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(mapLines(renameReasoningLine))
      .pipeThrough(new TextEncoderStream());
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return wrapped as typeof fetch;
}
