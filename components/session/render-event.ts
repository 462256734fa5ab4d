import type { SessionEventBody } from "@/lib/events/types";

/**
 * Turns session events into the exact text written to the xterm transcript.
 * Pure: the caller threads `RenderState` from one event to the next, so a replay
 * of the same events always produces the same bytes a live viewer saw.
 */

/** SGR sequences. The accent is ANSI blue; the terminal theme maps blue to the UI accent. */
export const SGR = {
  reset: "\x1b[0m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  italic: "\x1b[3m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  accent: "\x1b[34m",
} as const;

export interface RenderState {
  /** The cursor sits at column 0 of an empty line. */
  atLineStart: boolean;
  /** Anything has been written yet (no leading blank line at the very top). */
  wroteAnything: boolean;
  /** What the last written text belonged to. */
  stream: "none" | "text" | "reasoning" | "tool-output" | "line";
  /** An error line was already shown for the current turn (avoid repeating it at turn-end). */
  turnErrorShown: boolean;
}

export const initialRenderState: RenderState = {
  atLineStart: true,
  wroteAnything: false,
  stream: "none",
  turnErrorShown: false,
};

export interface RenderResult {
  text: string;
  state: RenderState;
}

const ESC = 0x1b;
const BEL = 0x07;

/**
 * Whether writing `text` leaves the cursor at the start of an empty line, given
 * where it started. Escape sequences (colours, cursor modes, OSC titles) do not
 * move to a new line, so trailing resets after a newline still count as column 0.
 * A lone carriage return does not: the line still holds text.
 */
export function endsAtLineStart(text: string, startedAtLineStart: boolean): boolean {
  let atStart = startedAtLineStart;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === ESC) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x5b /* [ CSI */) {
        i += 2;
        while (i < text.length) {
          const c = text.charCodeAt(i);
          i++;
          if (c >= 0x40 && c <= 0x7e) break;
        }
        continue;
      }
      if (next === 0x5d /* ] OSC */ || next === 0x50 /* P DCS */ || next === 0x5f /* _ APC */) {
        i += 2;
        while (i < text.length) {
          const c = text.charCodeAt(i);
          if (c === BEL) {
            i++;
            break;
          }
          if (c === ESC && text.charCodeAt(i + 1) === 0x5c /* \ ST */) {
            i += 2;
            break;
          }
          i++;
        }
        continue;
      }
      i += 2;
      continue;
    }
    if (code === 0x0a) atStart = true;
    else if (code !== BEL && code !== 0x00) atStart = false;
    i++;
  }
  return atStart;
}

/**
 * Text we compose ourselves (user messages, summaries, notices) must not carry
 * escape or control codes: keep printable characters, tabs, and optionally newlines.
 */
export function plainText(text: string, keepNewlines: boolean): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x0a) out += keepNewlines ? "\n" : " ↵ ";
    else if (code === 0x09) out += "  ";
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) continue;
    else out += ch;
  }
  return out;
}

function oneLine(text: string): string {
  return plainText(text.replace(/\r\n/g, "\n").trim(), false);
}

export function formatDelay(delayMs: number): string {
  const seconds = Math.max(0, delayMs) / 1000;
  if (seconds >= 10 || Number.isInteger(seconds)) return `${Math.round(seconds)}s`;
  return `${seconds.toFixed(1)}s`;
}

/** A complete line of our own, starting on a fresh line and leaving the cursor at column 0. */
function line(state: RenderState, style: string, body: string): RenderResult {
  const lead = state.atLineStart ? "" : "\n";
  return {
    text: `${SGR.reset}${lead}${style}${body}${SGR.reset}\n`,
    state: { ...state, atLineStart: true, wroteAnything: true, stream: "line" },
  };
}

const nothing = (state: RenderState): RenderResult => ({ text: "", state });

export function renderEvent(event: SessionEventBody, state: RenderState): RenderResult {
  switch (event.type) {
    case "user-message": {
      const lines = plainText(event.text.replace(/\r\n?/g, "\n"), true).split("\n");
      const [first = "", ...rest] = lines;
      const lead = (state.atLineStart ? "" : "\n") + (state.wroteAnything ? "\n" : "");
      const body = [first, ...rest.map((l) => `  ${l}`)].join("\n");
      return {
        text: `${SGR.reset}${lead}${SGR.bold}${SGR.accent}❯${SGR.reset} ${SGR.bold}${body}${SGR.reset}\n\n`,
        state: { atLineStart: true, wroteAnything: true, stream: "line", turnErrorShown: false },
      };
    }

    case "turn-start":
      return nothing({ ...state, turnErrorShown: false });

    case "text-delta": {
      if (!event.text) return nothing(state);
      let lead = "";
      if (state.stream !== "text") {
        // Leaving reasoning or raw tool output: drop their styling and start a fresh line.
        lead = SGR.reset;
        if (state.stream !== "none" && !state.atLineStart) lead += "\n";
      }
      const startedAtLineStart = lead.endsWith("\n") || state.atLineStart;
      return {
        text: lead + event.text,
        state: {
          ...state,
          atLineStart: endsAtLineStart(event.text, startedAtLineStart),
          wroteAnything: true,
          stream: "text",
        },
      };
    }

    case "reasoning-delta": {
      if (!event.text) return nothing(state);
      const lead = state.stream !== "reasoning" && state.stream !== "none" && !state.atLineStart ? "\n" : "";
      const startedAtLineStart = lead === "\n" || state.atLineStart;
      return {
        text: `${SGR.reset}${lead}${SGR.dim}${SGR.italic}${event.text}${SGR.reset}`,
        state: {
          ...state,
          atLineStart: endsAtLineStart(event.text, startedAtLineStart),
          wroteAnything: true,
          stream: "reasoning",
        },
      };
    }

    case "tool-call": {
      const summary = oneLine(event.summary);
      const tool = oneLine(event.tool);
      return line(state, "", `${SGR.accent}▸ ${tool}${SGR.reset}${summary ? `  ${SGR.dim}${summary}` : ""}`);
    }

    case "tool-output": {
      if (!event.chunk) return nothing(state);
      // The command's own bytes, colours included, untouched.
      return {
        text: event.chunk,
        state: {
          ...state,
          atLineStart: endsAtLineStart(event.chunk, state.atLineStart),
          wroteAnything: true,
          stream: "tool-output",
        },
      };
    }

    case "tool-result": {
      const summary = oneLine(event.summary) || (event.ok ? "done" : "failed");
      return event.ok ? line(state, SGR.dim, `✓ ${summary}`) : line(state, SGR.red, `✗ ${summary}`);
    }

    case "step-finish":
    case "usage":
      return nothing(state);

    case "notice":
      return line(state, event.level === "warn" ? SGR.yellow : SGR.dim, oneLine(event.message));

    case "friction":
      return line(state, SGR.yellow, `⚡ friction: ${oneLine(event.detail)}`);

    case "reflection":
      return line(
        state,
        event.status === "error" ? SGR.yellow : SGR.dim,
        `◆ reflection (${event.status})${event.summary ? `: ${oneLine(event.summary)}` : ""}`,
      );

    case "learning":
      return line(
        state,
        SGR.dim,
        `✎ ${event.learningType} noted (${event.source}): ${oneLine(event.description)}`,
      );

    case "tool-decision": {
      const why = event.reason ? `: ${oneLine(event.reason)}` : "";
      return event.decision === "approved"
        ? line(
            state,
            SGR.green,
            `✓ ${event.tool} v${event.version} approved by ${event.by}; every session can use it now`,
          )
        : line(state, SGR.yellow, `✗ ${event.tool} v${event.version} rejected by ${event.by}${why}`);
    }

    case "retry": {
      const message = oneLine(event.message);
      return line(
        state,
        SGR.dim + SGR.yellow,
        `↻ retrying in ${formatDelay(event.delayMs)}${message ? `: ${message}` : ""}`,
      );
    }

    case "error": {
      const result = line(state, SGR.bold + SGR.red, `✗ ${oneLine(event.message) || event.code}`);
      return { text: result.text, state: { ...result.state, turnErrorShown: true } };
    }

    case "status": {
      const note = event.note ? oneLine(event.note) : "";
      if (event.status === "interrupted") {
        const body = /^session interrupted/i.test(note)
          ? note
          : `Session interrupted${note ? `: ${note}` : ""}`;
        return line(state, SGR.dim, body);
      }
      if (event.status === "ended") return line(state, SGR.dim, `Session ended${note ? `: ${note}` : ""}`);
      return note ? line(state, SGR.dim, note) : nothing(state);
    }

    case "turn-end": {
      if (event.status === "cancelled") return line(state, SGR.yellow, "■ stopped");
      if (event.status === "error" && event.error && !state.turnErrorShown) {
        const result = line(state, SGR.bold + SGR.red, `✗ ${oneLine(event.error)}`);
        return { text: result.text, state: { ...result.state, turnErrorShown: true } };
      }
      return nothing(state);
    }

    default:
      // An event type this UI does not know yet: show nothing rather than guess.
      return nothing(state);
  }
}

/** Renders a sequence of events from `state`; handy for tests and bulk replays. */
export function renderEvents(
  events: SessionEventBody[],
  state: RenderState = initialRenderState,
): RenderResult {
  let current = state;
  let text = "";
  for (const event of events) {
    const result = renderEvent(event, current);
    text += result.text;
    current = result.state;
  }
  return { text, state: current };
}
