/**
 * A tool's failure as people read it: the message, and where in the tool's own file it happened.
 * The stack comes from the sandboxed child and is as hostile as the tool that threw: only frames
 * that point into the tool's file are kept, rebuilt from their function name and position, so the
 * host's paths (the private temp folder, the host script, Node's internals) never show.
 */

const MAX_FRAMES = 3;
const MAX_MESSAGE = 500;

// "    at run (file:///tmp/x/host/tool.mjs:12:5)" or "    at file:///tmp/x/host/tool.mjs:3:1"
const TOOL_FRAME =
  /^\s*at (?:(?:async )?([\w$.<>[\] ]{1,80}) \()?file:\/\/\S*\/host\/tool\.mjs:(\d+):(\d+)\)?\s*$/;

/** Up to three `at fn (name.mjs:line:col)` lines from a stack, only those in the tool's own file. */
export function toolFrames(stack: string, toolName: string): string[] {
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const match = TOOL_FRAME.exec(line);
    if (!match) continue;
    const where = `${toolName}.mjs:${match[2]}:${match[3]}`;
    frames.push(match[1] ? `at ${match[1].trim()} (${where})` : `at ${where}`);
    if (frames.length === MAX_FRAMES) break;
  }
  return frames;
}

/** "TypeError: x is not a function" and the frames under it. */
export function describeThrown(
  thrown: { name: string; message: string; stack: string },
  toolName: string,
): string {
  const message =
    thrown.message.length > MAX_MESSAGE ? `${thrown.message.slice(0, MAX_MESSAGE)}…` : thrown.message;
  const head = message ? `${thrown.name}: ${message}` : thrown.name;
  return [head, ...toolFrames(thrown.stack, toolName).map((f) => `  ${f}`)].join("\n");
}

const MAX_LINES = 8;
const MAX_CHARS = 1000;

/** A failure kept short enough for a table cell, an event and a row: the first lines, then an ellipsis. */
export function clipFailure(text: string): string {
  const whole = text.replace(/\r\n?/g, "\n").trim();
  let out = whole.split("\n").slice(0, MAX_LINES).join("\n");
  if (out.length > MAX_CHARS) out = out.slice(0, MAX_CHARS);
  return out.length < whole.length ? `${out.trimEnd()}…` : out;
}
