import { openAssistantMessage, upsertPart } from "@/lib/db/queries/messages";
import type { StoredPart, ToolPart } from "../parts";

/**
 * A turn's assistant message as it streams in. Parts keep their order; each is saved when it is
 * whole (a text at its end, a tool call when it starts and again with its result), and every part
 * changed since its last save once more when the turn ends.
 */
export class Transcript {
  private readonly parts: StoredPart[] = [];
  /**
   * Parts changed since they were last saved. The turn's end saves only these: a tool part holds
   * up to 1 MiB of a command's output, which saving again as it was would serialize again.
   */
  private readonly unsaved = new Set<number>();

  private constructor(private readonly messageId: string) {}

  static async open(sessionId: string, turnId: string): Promise<Transcript> {
    return new Transcript(await openAssistantMessage(sessionId, turnId));
  }

  /** Starts an empty text part; returns its index. */
  startText(): number {
    return this.changed(this.parts.push({ type: "text", text: "" }) - 1);
  }

  /** Starts an empty reasoning part (kept on the server, never sent back); returns its index. */
  startReasoning(): number {
    return this.changed(this.parts.push({ type: "reasoning", text: "" }) - 1);
  }

  appendText(index: number, text: string): void {
    const part = this.parts[index];
    if (part?.type === "text" || part?.type === "reasoning") {
      part.text += text;
      this.changed(index);
    }
  }

  private changed(index: number): number {
    this.unsaved.add(index);
    return index;
  }

  /** The endpoint ended the answer early: its last text part says so (a new one if it had none). */
  async markCut(cut: "length" | "content-filter"): Promise<void> {
    const last = this.parts.at(-1);
    const index =
      last?.type === "text" ? this.parts.length - 1 : this.parts.push({ type: "text", text: "" }) - 1;
    const part = this.parts[index];
    if (part?.type === "text") part.cut = cut;
    await this.save(index);
  }

  async save(index: number): Promise<void> {
    const part = this.parts[index];
    if (!part) return;
    // a change made while the write is under way stays to be saved
    this.unsaved.delete(index);
    try {
      await upsertPart(this.messageId, index, part);
    } catch (error) {
      this.unsaved.add(index);
      throw error;
    }
  }

  /** Adds a tool part and saves it; the function returned saves updates to it. */
  async addTool(part: ToolPart): Promise<(update: Partial<ToolPart>) => Promise<void>> {
    const index = this.parts.push(part) - 1;
    await this.save(index);
    return async (update) => {
      const current = this.parts[index];
      if (current?.type === "tool") this.parts[index] = { ...current, ...update };
      this.changed(index);
      await this.save(index);
    };
  }

  /** At the turn's end: a tool still running was cut off; every part not saved as it stands is. */
  async close(): Promise<void> {
    for (let index = 0; index < this.parts.length; index++) {
      const part = this.parts[index];
      if (part?.type === "tool" && part.state === "running") {
        this.parts[index] = { ...part, state: "error", output: "Tool execution aborted." };
        this.changed(index);
      }
      if (this.unsaved.has(index)) await this.save(index);
    }
  }
}
