/** A line in the terminal's buffer that moves with it (xterm's IMarker). */
export interface LineMarker {
  readonly line: number;
  readonly isDisposed: boolean;
}

/** The part of an xterm Terminal the writer needs (kept narrow so it is easy to fake). */
export interface WritableTerminal {
  write(data: string, callback?: () => void): void;
  registerMarker(cursorYOffset?: number): LineMarker | undefined;
  scrollToLine(line: number): void;
  selectLines(start: number, end: number): void;
}

interface Anchor {
  marker: LineMarker;
  /** Lines between the marker (where the cursor was) and the event's first visible line. */
  offset: number;
}

/** Newlines before an event's first visible character (escape sequences skipped). */
export function leadingNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") count++;
    else if (c === "\x1b" && text[i + 1] === "[") {
      i += 2;
      while (i < text.length && !/[@-~]/.test(text[i] ?? "")) i++;
    } else if (c !== "\r") break;
  }
  return count;
}

/** A full reset (RIS: buffer and scrollback cleared), then the cursor hidden again: no one types here. */
export const RESET_TERMINAL = "\x1bc\x1b[?25l";

/** xterm yields to the browser between queued chunks, not inside one: keep chunks small. */
const MAX_CHUNK = 32 * 1024;

/**
 * Coalesces transcript writes into one `term.write` per animation frame, so a
 * flood of small deltas costs one parse per frame instead of thousands of calls.
 * Text pushed before a terminal is attached (xterm loads lazily) is kept and
 * written on attach.
 */
export class TerminalWriter {
  private term: WritableTerminal | null = null;
  private pending: string[] = [];
  /** Events to anchor, by the index in `pending` their text starts at. */
  private pendingAnchors: Array<{ index: number; seq: number; offset: number }> = [];
  private pendingSeq: number | null = null;
  private frame: number | null = null;
  private readonly anchors = new Map<number, Anchor>();

  constructor(private readonly onWritten?: (seq: number) => void) {}

  attach(term: WritableTerminal): void {
    this.term = term;
    this.schedule();
  }

  detach(term: WritableTerminal): void {
    if (this.term !== term) return;
    this.term = null;
    this.anchors.clear();
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  /**
   * Queues `text` (may be empty) as the rendering of event `seq`. With `anchor`, the line where
   * that text starts is remembered, so `reveal(seq)` can scroll back to it.
   */
  push(text: string, seq: number, anchor = false): void {
    if (anchor) this.pendingAnchors.push({ index: this.pending.length, seq, offset: leadingNewlines(text) });
    if (text) this.pending.push(text);
    this.pendingSeq = seq;
    this.schedule();
  }

  /**
   * Starts the transcript over: whatever is queued is dropped and the terminal is reset (in band,
   * after anything it is still parsing) before the next text. For a re-render at a new width.
   */
  restart(): void {
    this.pending = [RESET_TERMINAL];
    this.pendingAnchors = [];
    this.pendingSeq = null;
    this.anchors.clear();
    this.schedule();
  }

  private schedule(): void {
    if (this.frame !== null || this.term === null) return;
    if (this.pending.length === 0 && this.pendingSeq === null) return;
    this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Scrolls the terminal to where event `seq` was written and selects that line. */
  reveal(seq: number): boolean {
    const anchor = this.anchors.get(seq);
    const term = this.term;
    if (!anchor || !term || anchor.marker.isDisposed || anchor.marker.line < 0) return false;
    const line = anchor.marker.line + anchor.offset;
    term.scrollToLine(Math.max(0, line - 2));
    term.selectLines(line, line);
    return true;
  }

  /** Whether `reveal(seq)` can still find the event (its lines may have left the scrollback). */
  canReveal(seq: number): boolean {
    const anchor = this.anchors.get(seq);
    return anchor !== undefined && !anchor.marker.isDisposed && anchor.marker.line >= 0;
  }

  private flush(): void {
    this.frame = null;
    const term = this.term;
    if (!term) return;
    const pieces = this.pending;
    const anchors = this.pendingAnchors;
    const seq = this.pendingSeq;
    this.pending = [];
    this.pendingAnchors = [];
    this.pendingSeq = null;
    // xterm runs a write's callback right after parsing that write and before the next one, so a
    // marker registered there sits where the following text begins.
    let from = 0;
    for (const anchor of anchors) {
      this.write(term, pieces.slice(from, anchor.index).join(""), () => {
        const marker = term.registerMarker(0);
        if (marker) this.anchors.set(anchor.seq, { marker, offset: anchor.offset });
      });
      from = anchor.index;
    }
    this.write(term, pieces.slice(from).join(""), () => {
      if (seq !== null) this.onWritten?.(seq);
    });
  }

  private write(term: WritableTerminal, data: string, done: () => void): void {
    if (data.length <= MAX_CHUNK) {
      term.write(data, done);
      return;
    }
    // xterm's parser is streaming, so a split inside an escape sequence is harmless.
    for (let start = 0; start < data.length; start += MAX_CHUNK) {
      const end = Math.min(start + MAX_CHUNK, data.length);
      term.write(data.slice(start, end), end === data.length ? done : undefined);
    }
  }
}
