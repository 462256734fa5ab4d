/**
 * Names too close to a built-in tool's. A proposed `run_commands` or `Run-Command` would sit next
 * to `run_command` in the model's tool list and in a reviewer's queue, one slip away from being
 * called or approved in its place. Names are compared by their skeleton — lower case, separators
 * gone, look-alike digits (and, as a second reading, letter pairs like `rn`) read as the letters
 * they imitate — and a skeleton one edit from a built-in's (a letter added, dropped, changed, or
 * two swapped) is refused; two edits for long names. Short built-in names only match exactly, or
 * ordinary words would collide.
 */

const DIGITS: Array<[RegExp, string]> = [
  [/0/g, "o"],
  [/1/g, "l"],
  [/3/g, "e"],
  [/4/g, "a"],
  [/5/g, "s"],
  [/7/g, "t"],
];
/** Letter pairs that read as one letter; real words have them too, so both readings are compared. */
const PAIRS: Array<[RegExp, string]> = [
  [/rn/g, "m"],
  [/vv/g, "w"],
];

/** Skeletons of at least this length tolerate one edit; at least `TWO_EDITS`, two. */
const ONE_EDIT = 5;
const TWO_EDITS = 14;

/** The name in lower case, without separators, look-alike digits read as letters. */
export function nameSkeleton(name: string): string {
  let out = name.toLowerCase();
  for (const [pattern, letter] of DIGITS) out = out.replace(pattern, letter);
  return out.replace(/[^a-z0-9]/g, "");
}

/** The skeleton, and the skeleton with look-alike letter pairs read as the letter they imitate. */
function readings(name: string): string[] {
  const skeleton = nameSkeleton(name);
  let paired = skeleton;
  for (const [pattern, letter] of PAIRS) paired = paired.replace(pattern, letter);
  return paired === skeleton ? [skeleton] : [skeleton, paired];
}

/** Edits (insert, delete, substitute, swap two neighbours) between `a` and `b`, stopping above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      current.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/** The built-in `name` imitates (itself included), or null. */
export function nearBuiltin(name: string, builtinNames: readonly string[]): string | null {
  const mine = readings(name);
  for (const builtin of builtinNames) {
    const length = nameSkeleton(builtin).length;
    const allowed = length >= TWO_EDITS ? 2 : length >= ONE_EDIT ? 1 : 0;
    for (const target of readings(builtin))
      if (mine.some((reading) => editDistance(reading, target, allowed) <= allowed)) return builtin;
  }
  return null;
}
