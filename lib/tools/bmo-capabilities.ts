/**
 * bmo's capability spellings, read the way bmo reads them and said in Ratchet's terms. bmo's loader
 * takes `filesystem` as "project", "bmo", "both" or "none" (anything else falls back to its default,
 * "project") and `env` as a boolean (true hands the tool the whole environment). Only the spellings
 * in this table are rewritten; any other value still goes to the strict schema, which names it.
 */

interface Rewrite {
  key: "filesystem" | "env";
  /** The value as bmo's tools write it. */
  from: unknown;
  to: unknown;
  /** Said in the validation report when the rewrite grants less than bmo would. */
  note: string | null;
}

const REWRITES: readonly Rewrite[] = [
  // bmo falls back to its default for a non-string, so `true` is "project": the same grant here
  { key: "filesystem", from: true, to: "project", note: null },
  // the author says the tool needs no files; bmo would still give it the project (its default)
  { key: "filesystem", from: false, to: "none", note: null },
  {
    key: "filesystem",
    from: "both",
    to: "project",
    note: 'filesystem: "both" (bmo: the project and bmo\'s home) is "project" here: the tool writes only the session\'s workspace; there is no bmo home',
  },
  {
    key: "filesystem",
    from: "bmo",
    to: "none",
    note: 'filesystem: "bmo" (bmo\'s home folder) is "none" here: there is no bmo home, so the tool writes only its private temp folder',
  },
  {
    key: "env",
    from: true,
    to: [],
    note: 'env: true (bmo: the whole environment) gives the tool no variables here: name the ones it needs, env: ["NAME"]',
  },
  { key: "env", from: false, to: [], note: null },
];

export interface MappedCapabilities {
  /** The declaration with bmo's spellings rewritten; still to be checked by the strict schema. */
  capabilities: unknown;
  /** What a rewrite did not grant, for the person reviewing the tool. */
  notes: string[];
}

export function mapBmoCapabilities(raw: unknown): MappedCapabilities {
  if (raw === undefined || raw === null) return { capabilities: {}, notes: [] };
  if (typeof raw !== "object" || Array.isArray(raw)) return { capabilities: raw, notes: [] };
  const capabilities: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const notes: string[] = [];
  for (const rule of REWRITES) {
    if (!Object.hasOwn(capabilities, rule.key) || capabilities[rule.key] !== rule.from) continue;
    capabilities[rule.key] = rule.to;
    if (rule.note) notes.push(rule.note);
  }
  return { capabilities, notes };
}
