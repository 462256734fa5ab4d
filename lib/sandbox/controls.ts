/**
 * C0 control characters a terminal ignores: NUL, SOH–ACK, DLE–ETB, EM, FS–US, and DEL. BEL, BS,
 * TAB, LF, VT, FF, CR, SO, SI, CAN, SUB and ESC do something and are kept.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it matches
const IGNORED = /[\u0000-\u0006\u0010-\u0017\u0019\u001c-\u001f\u007f]+/g;

/**
 * Drops what a terminal would not show anyway. A firehose of NULs costs nothing on screen, but
 * each one is six characters in the JSON of every event copy (`\u0000`).
 */
export function dropIgnoredControls(text: string): string {
  return text.replace(IGNORED, "");
}
