export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Longest prefix of `text` that fits in `maxBytes` of UTF-8 without splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let cut = Math.max(0, maxBytes);
  // step back over continuation bytes (10xxxxxx) to a character start
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString("utf8");
}

/** Keeps the first `capBytes` of the text shown to the model; the rest is only counted. */
export class ModelOutput {
  private readonly parts: string[] = [];
  private keptBytes = 0;
  private cut = false;

  constructor(private readonly capBytes: number) {}

  append(text: string): void {
    if (this.cut || text.length === 0) return;
    const bytes = Buffer.byteLength(text, "utf8");
    if (this.keptBytes + bytes <= this.capBytes) {
      this.parts.push(text);
      this.keptBytes += bytes;
      return;
    }
    const head = utf8Prefix(text, this.capBytes - this.keptBytes);
    this.parts.push(head);
    this.keptBytes += Buffer.byteLength(head, "utf8");
    this.cut = true;
  }

  get truncated(): boolean {
    return this.cut;
  }

  /** `totalBytes` is what the process produced; `reason` explains a cut the cap did not cause. */
  finish(totalBytes: number, reason?: string): string {
    const text = this.parts.join("");
    if (!this.cut && !reason) return text;
    const why = reason ? `; ${reason}` : "";
    return `${text}\n[… output truncated: kept ${formatBytes(this.keptBytes)} of ${formatBytes(totalBytes)}${why} …]`;
  }
}
