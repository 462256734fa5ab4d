/**
 * Finds corrections and stated preferences in a user's message, deterministically, so capturing
 * them never depends on the model noticing. Rules, in order:
 *
 * Preference (a standing rule for later sessions):
 *   "I prefer …", "I'd rather …", "always …", "never …" (at the start of a sentence),
 *   "use X, not Y", "use X instead of Y", "from now on …", "please always …".
 * Correction (what the agent just did was wrong):
 *   a sentence that starts with "no", "nope", "not that", "wrong", "that's wrong", "that's not",
 *   "actually", "I said", "I told you", "stop", "undo", "revert", "don't", "do not";
 *   or "instead" / "not what I" / "you should have" anywhere.
 * Not a correction: politeness and uncertainty that merely contain those words ("no problem",
 * "no worries", "no thanks", "I don't know yet", "don't worry", "not sure", "actually works").
 */

export type LearningKind = "correction" | "preference";

export interface DetectedLearning {
  type: LearningKind;
  /** The words that matched, for the record and the UI. */
  phrase: string;
}

const HARMLESS_OPENERS =
  /^(no (problem|worries|rush|thanks|thank you|need to (thank|apologi[sz]e))|no,? (that'?s|it'?s) (fine|ok|okay|great|perfect|good)|don'?t (worry|know|mind|care|think|remember|see why not)|not (sure|yet|now|bad)|nope,? (that'?s|it'?s) (fine|ok|good))\b/i;

const PREFERENCE: RegExp[] = [
  /^(i (would )?prefer|i'?d rather|i like to|please always|always|never|from now on|in (the )?future|going forward)\b/i,
  /\buse\s+[\w./@+-]+(\s+[\w./@+-]+)?\s*(,|;)?\s*(not|instead of|rather than|over)\s+[\w./@+-]+/i,
];

const CORRECTION_OPENERS =
  /^(no|nope|not that|not like that|wrong|that'?s (wrong|not (right|it|what i))|this is wrong|actually|i said|i told you|i asked|stop|undo|revert|roll (it )?back|don'?t|do not|you (broke|deleted|removed))\b/i;

const CORRECTION_ANYWHERE =
  /\b(instead|not what i (asked|wanted|meant|said)|you should have|should'?ve|that broke|you broke)\b/i;

/** Sentences, with leading punctuation and quotes removed. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;\n])\s+|\n+/)
    .map((s) =>
      s
        .trim()
        .replace(/^["'`([{*>-]+\s*/, "")
        .replace(/^(but|and|ok|okay|hmm|well|so|sorry)\b,?\s+/i, ""),
    )
    .filter(Boolean);
}

function firstWords(sentence: string, n = 6): string {
  return sentence.split(/\s+/).slice(0, n).join(" ");
}

export function detectLearning(text: string): DetectedLearning | null {
  const parts = sentences(text.slice(0, 4000));
  for (const sentence of parts) {
    if (HARMLESS_OPENERS.test(sentence)) continue;
    for (const pattern of PREFERENCE) {
      const match = pattern.exec(sentence);
      if (match) return { type: "preference", phrase: match[0].trim() };
    }
  }
  for (const sentence of parts) {
    if (HARMLESS_OPENERS.test(sentence)) continue;
    if (
      /^actually\b/i.test(sentence) &&
      /^actually,?\s+(it |that |this )?(works|worked|looks good|is fine)\b/i.test(sentence)
    )
      continue;
    const opener = CORRECTION_OPENERS.exec(sentence);
    if (opener) return { type: "correction", phrase: firstWords(sentence) };
    const anywhere = CORRECTION_ANYWHERE.exec(sentence);
    if (anywhere) return { type: "correction", phrase: anywhere[0] };
  }
  return null;
}
