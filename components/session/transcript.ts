import type { SessionEvent } from "@/lib/events/types";
import { initialRenderState, type RenderState, renderEvent } from "./render-event";
import type { TerminalWriter, WritableTerminal } from "./terminal-writer";
import { isWaterfallAnchor } from "./waterfall-model";

/** The part of an xterm Terminal the transcript needs besides writing: its width and resizes. */
export interface SizedTerminal extends WritableTerminal {
  readonly cols: number;
  onResize(listener: (size: { cols: number; rows: number }) => void): { dispose(): void };
}

/** Resizing by dragging changes the width many times a second; render once it settles. */
const RESIZE_SETTLE_MS = 150;

/**
 * A session's transcript: every event rendered at the terminal's width (rows are broken before
 * its edge, see render-event.ts). When the width changes, everything is rendered again at the new
 * width, because the terminal would otherwise re-wrap old rows itself, starting them at column 0.
 * So it is when a person rewinds turns: they are written again, dimmed and labelled.
 */
export class Transcript {
  private readonly events: SessionEvent[] = [];
  private state: RenderState = initialRenderState;
  private term: SizedTerminal | null = null;
  private resize: { dispose(): void } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly rewound = new Set<string>();

  constructor(private readonly writer: TerminalWriter) {}

  add(event: SessionEvent): void {
    this.events.push(event);
    // a rewind reaches back: the turns it names are written again, dimmed under a label
    if (event.type === "turns-rewound" && event.turnIds.some((id) => !this.rewound.has(id))) {
      for (const id of event.turnIds) this.rewound.add(id);
      this.render(this.state.cols);
      return;
    }
    this.write(event);
  }

  /** One event's rendering; the end of an answer it settles goes before it, outside its anchor. */
  private write(event: SessionEvent): void {
    const { text, state, lead } = renderEvent(event, this.state);
    this.state = state;
    if (lead) this.writer.push(lead, event.seq);
    this.writer.push(text, event.seq, isWaterfallAnchor(event));
  }

  attach(term: SizedTerminal): void {
    this.term = term;
    this.writer.attach(term);
    this.render(term.cols);
    this.resize = term.onResize(({ cols }) => {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.term === term && cols !== this.state.cols) this.render(cols);
      }, RESIZE_SETTLE_MS);
    });
  }

  detach(term: SizedTerminal): void {
    if (this.term !== term) return;
    this.term = null;
    this.resize?.dispose();
    this.resize = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.writer.detach(term);
  }

  /** Width the transcript is rendered at (0 before a terminal is attached). */
  get cols(): number {
    return this.state.cols;
  }

  private render(cols: number): void {
    this.writer.restart();
    this.state = { ...initialRenderState, cols, rewound: new Set(this.rewound) };
    for (const event of this.events) this.write(event);
  }
}
