/** The part of an xterm Terminal the writer needs (kept narrow so it is easy to fake). */
export interface WritableTerminal {
  write(data: string, callback?: () => void): void;
}

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
  private pendingSeq: number | null = null;
  private frame: number | null = null;

  constructor(private readonly onWritten?: (seq: number) => void) {}

  attach(term: WritableTerminal): void {
    this.term = term;
    this.schedule();
  }

  detach(term: WritableTerminal): void {
    if (this.term !== term) return;
    this.term = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  /** Queues `text` (may be empty) as the rendering of event `seq`. */
  push(text: string, seq: number): void {
    if (text) this.pending.push(text);
    this.pendingSeq = seq;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame !== null || this.term === null) return;
    if (this.pending.length === 0 && this.pendingSeq === null) return;
    this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = null;
    const term = this.term;
    if (!term) return;
    const data = this.pending.join("");
    const seq = this.pendingSeq;
    this.pending = [];
    this.pendingSeq = null;
    const done = () => {
      if (seq !== null) this.onWritten?.(seq);
    };
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
