/**
 * The Agent Skills file format: YAML front matter between `---` lines, then markdown.
 * Pure (no Node APIs), so the editor validates with exactly the rules the server applies.
 */
import { isMap, isScalar, LineCounter, type Node, parse, parseDocument } from "yaml";

/** The Agent Skills spec's names: 1–64 lowercase letters, digits and single dashes, no dash at either end. */
export const SKILL_NAME = /^(?!.*--)[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const MAX_SKILL_BYTES = 256 * 1024;
export const MAX_DESCRIPTION_CHARS = 1024;
/** The spec's limit for `compatibility`. */
export const MAX_COMPATIBILITY_CHARS = 500;
export const MAX_ALLOWED_TOOLS = 100;
export const MIN_TRIGGER_CHARS = 2;
export const MAX_TRIGGER_CHARS = 100;
export const MAX_TRIGGERS = 50;

export interface SkillProblem {
  message: string;
  /** 1-based line in the file, when the problem has one. */
  line: number | null;
  column: number | null;
}

export interface SkillDocument {
  name: string;
  description: string;
  triggers: string[];
  /**
   * False for `disable-model-invocation: true`: the skill is for people to ask for. It is listed on
   * the Skills page but never advertised to the model nor suggested, and loads only when the user
   * names it.
   */
  modelInvocable: boolean;
  /** `allowed-tools`: the tools the skill says it needs (shown, not enforced). */
  allowedTools: string[];
  /** Keys kept but not used, and optional keys in a shape Ratchet cannot use: said, never fatal. */
  warnings: SkillProblem[];
  /** Every key of the front matter, including ones Ratchet does not use. */
  frontMatter: Record<string, unknown>;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
}

export type ParseResult = { ok: true; skill: SkillDocument } | { ok: false; error: SkillProblem };

interface Split {
  yaml: string;
  /** The file's lines before the YAML (the opening `---`) and from the closing `---` on. */
  head: string;
  tail: string;
  body: string;
  bodyLine: number;
}

const FENCE = /^(?:---|\.\.\.)[ \t]*\r?$/;

/** Separates the front matter from the body; the lines keep their `\r`, so joining them round-trips. */
function split(text: string): Split | SkillProblem {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (!/^---[ \t]*\r?$/.test(lines[0] ?? "")) {
    return problem(
      "The file must start with front matter: a line `---`, then `name:` and `description:`, then `---`.",
      1,
    );
  }
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (close < 0)
    return problem("The front matter that opens on line 1 is never closed: add a line `---`.", 1);
  return {
    head: `${lines[0]}\n`,
    yaml: lines.slice(1, close).join("\n"),
    tail: lines.slice(close).join("\n"),
    body: lines.slice(close + 1).join("\n"),
    bodyLine: close + 2,
  };
}

/** What usually causes each YAML error in a front matter, said so a person can fix it. */
const YAML_HINTS: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'A value that contains ": " must be quoted, e.g. description: "How to: deploy".',
  MULTILINE_IMPLICIT_KEY: 'A value that contains ": " must be quoted, e.g. description: "How to: deploy".',
  BAD_INDENT: "Check the indentation, and that every [ or { is closed on the same line.",
  MISSING_CHAR: "A quote or bracket is not closed.",
  DUPLICATE_KEY: "Each key may appear once.",
  TAB_AS_INDENT: "Indent with spaces, not tabs.",
};

function problem(message: string, line: number | null, column: number | null = null): SkillProblem {
  return { message, line, column };
}

function isProblem(value: Split | SkillProblem): value is SkillProblem {
  return "message" in value;
}

/** Human text for the value a key holds when it holds the wrong kind. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

function parseTriggers(
  value: unknown,
  lineOf: (index: number | null) => number,
): { triggers: string[]; warning?: SkillProblem } | SkillProblem {
  if (value === undefined || value === null) return { triggers: [] };
  // another ecosystem's shape (a mapping of events, a list of objects): not ours to read, not fatal
  const ignored = (what: string, line: number) => ({
    triggers: [],
    warning: problem(
      `\`triggers\` ${what}; Ratchet reads triggers as a string or a list of strings, so they are ignored (the key is kept in the file).`,
      line,
    ),
  });
  if (typeof value !== "string" && !Array.isArray(value)) return ignored(`is ${kindOf(value)}`, lineOf(null));
  // A string is a comma-separated list, so `triggers: refactor, rename` means two triggers.
  const raw: unknown[] = typeof value === "string" ? value.split(",") : value;
  const triggers: string[] = [];
  for (const [i, item] of raw.entries()) {
    if (typeof item !== "string" && typeof item !== "number") {
      return ignored(`item ${i + 1} is ${kindOf(item)}`, lineOf(i));
    }
    const trigger = String(item).trim().replace(/\s+/g, " ");
    if (trigger === "" && typeof value === "string") continue;
    if (trigger.length < MIN_TRIGGER_CHARS) {
      return problem(
        `Trigger "${trigger}" is too short to mean anything (at least ${MIN_TRIGGER_CHARS} characters).`,
        lineOf(typeof value === "string" ? null : i),
      );
    }
    if (trigger.length > MAX_TRIGGER_CHARS) {
      return problem(`A trigger is at most ${MAX_TRIGGER_CHARS} characters.`, lineOf(i));
    }
    if (!triggers.some((t) => t.toLowerCase() === trigger.toLowerCase())) triggers.push(trigger);
  }
  if (triggers.length > MAX_TRIGGERS) return problem(`At most ${MAX_TRIGGERS} triggers.`, lineOf(null));
  return { triggers };
}

/** The keys Ratchet reads: the Agent Skills spec's, Ratchet's `triggers`, and Claude Code's switch. */
const KNOWN_KEYS = new Set([
  "name",
  "description",
  "triggers",
  "license",
  "compatibility",
  "metadata",
  "allowed-tools",
  "disable-model-invocation",
]);

/** `allowed-tools`: the spec's space-separated string (a space inside `Bash(git add:*)` stays), or a list. */
function toolNames(value: string): string[] {
  return value.match(/(?:[^\s,(]+(?:\([^)]*\))?)+/g) ?? [];
}

/**
 * The optional keys: each in the shape the spec gives it, else a warning and the key ignored. A
 * skill is never refused for an optional key: it may come from another tool that reads it otherwise.
 */
function readOptionalKeys(
  data: Record<string, unknown>,
  keyLine: (key: string) => number,
): { modelInvocable: boolean; allowedTools: string[]; warnings: SkillProblem[] } {
  const warnings: SkillProblem[] = [];
  const warn = (key: string, message: string) => warnings.push(problem(message, keyLine(key)));
  for (const key of Object.keys(data))
    if (!KNOWN_KEYS.has(key))
      warn(key, `\`${key}\` is not a key Ratchet uses: it is kept in the file and ignored.`);

  if (data.license !== undefined && typeof data.license !== "string")
    warn("license", `\`license\` should be a string, not ${kindOf(data.license)}; it is ignored.`);
  const compatibility = data.compatibility;
  if (compatibility !== undefined && typeof compatibility !== "string")
    warn(
      "compatibility",
      `\`compatibility\` should be a string, not ${kindOf(compatibility)}; it is ignored.`,
    );
  else if (typeof compatibility === "string" && compatibility.length > MAX_COMPATIBILITY_CHARS)
    warn(
      "compatibility",
      `\`compatibility\` is ${compatibility.length} characters; the Agent Skills spec allows ${MAX_COMPATIBILITY_CHARS}.`,
    );
  const metadata = data.metadata;
  if (
    metadata !== undefined &&
    (typeof metadata !== "object" ||
      metadata === null ||
      Array.isArray(metadata) ||
      !Object.values(metadata).every((v) => typeof v === "string"))
  )
    warn(
      "metadata",
      "`metadata` should map names to strings (`author: me`); other values are kept and ignored.",
    );

  let allowedTools: string[] = [];
  const allowed = data["allowed-tools"];
  if (typeof allowed === "string") allowedTools = toolNames(allowed);
  else if (Array.isArray(allowed) && allowed.every((t) => typeof t === "string"))
    allowedTools = allowed.flatMap(toolNames);
  else if (allowed !== undefined && allowed !== null)
    warn(
      "allowed-tools",
      `\`allowed-tools\` should be a space-separated string of tool names, not ${kindOf(allowed)}; it is ignored.`,
    );
  if (allowedTools.length > MAX_ALLOWED_TOOLS) {
    warn(
      "allowed-tools",
      `\`allowed-tools\` lists ${allowedTools.length} tools; only the first ${MAX_ALLOWED_TOOLS} are shown.`,
    );
    allowedTools = allowedTools.slice(0, MAX_ALLOWED_TOOLS);
  }

  // a string that says yes ("true") counts: the author asked to keep the skill from the model
  const disable = data["disable-model-invocation"];
  let modelInvocable = true;
  if (disable === true) modelInvocable = false;
  else if (disable !== undefined && disable !== false && disable !== null) {
    const yes = typeof disable === "string" && /^(?:true|yes|on)$/i.test(disable.trim());
    modelInvocable = !yes;
    warn(
      "disable-model-invocation",
      `\`disable-model-invocation\` should be true or false, not ${kindOf(disable)}; read as ${yes ? "true" : "false"}.`,
    );
  }
  return { modelInvocable, allowedTools, warnings };
}

/**
 * Parses and validates a skill file. `name` is the skill's folder (or flat file) name, which the
 * front matter's `name` must equal. Errors carry the file's line number.
 */
export function parseSkill(text: string, opts: { name?: string } = {}): ParseResult {
  const parts = split(text);
  if (isProblem(parts)) return { ok: false, error: parts };
  const fail = (message: string, line: number | null, column: number | null = null): ParseResult => ({
    ok: false,
    error: problem(message, line, column),
  });

  const counter = new LineCounter();
  const doc = parseDocument(parts.yaml, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const yamlLines = parts.yaml.split("\n").length;
  // YAML line 1 is file line 2; errors found at the end of the text point at the last YAML line.
  const fileLine = (offset: number) => Math.min(counter.linePos(offset).line, yamlLines) + 1;
  const first = doc.errors[0];
  if (first) {
    const pos = counter.linePos(first.pos[0]);
    let line = fileLine(first.pos[0]);
    // An unclosed [ or { is only noticed on a later line: point at the line that opened it.
    const pair = first.message.startsWith("Flow map")
      ? "{}"
      : first.message.startsWith("Flow seq")
        ? "[]"
        : null;
    if (pair) {
      const lines = text.replace(/^\uFEFF/, "").split("\n");
      const count = (l: string, c: string) => l.split(c).length - 1;
      for (let n = line; n > 1; n--) {
        const l = lines[n - 1] ?? "";
        if (count(l, pair[0] as string) > count(l, pair[1] as string)) {
          line = n;
          break;
        }
      }
    }
    const hint = YAML_HINTS[first.code] ?? "";
    return fail(
      `Front matter is not valid YAML: ${first.message}.${hint ? ` ${hint}` : ""}`,
      line,
      line === fileLine(first.pos[0]) ? pos.col : null,
    );
  }
  if (doc.contents === null) return fail("The front matter is empty: add `name:` and `description:`.", 1);
  if (!isMap(doc.contents)) {
    return fail(
      "The front matter must be `key: value` lines (a YAML mapping).",
      fileLine(doc.contents.range?.[0] ?? 0),
    );
  }
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    return fail(`Front matter could not be read: ${(error as Error).message}`, 2);
  }

  const map = doc.contents;
  const keyLine = (key: string, index: number | null = null): number => {
    const node = map.get(key, true) as Node | undefined;
    const item = index !== null && node && "items" in node ? (node.items as Node[])[index] : undefined;
    const range = (item ?? node)?.range;
    if (range) return fileLine(range[0]);
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
    const keyRange = (pair?.key as Node | undefined)?.range;
    return keyRange ? fileLine(keyRange[0]) : 1;
  };

  const name = data.name;
  if (name === undefined || name === null || name === "") {
    return fail("Missing `name:` (the skill's name, e.g. `name: my-skill`).", 1);
  }
  if (typeof name !== "string") {
    return fail(
      `\`name\` must be a string, not ${kindOf(name)}; quote it: name: "${String(name)}".`,
      keyLine("name"),
    );
  }
  if (!SKILL_NAME.test(name)) {
    return fail(
      `\`name: ${name}\` is not a valid skill name: lowercase letters, digits and single dashes, starting and ending with a letter or digit, at most 64 characters (the Agent Skills spec).`,
      keyLine("name"),
    );
  }
  if (opts.name !== undefined && name !== opts.name) {
    return fail(
      `\`name: ${name}\` does not match the skill's name \`${opts.name}\`; they must be the same (rename the skill to change it).`,
      keyLine("name"),
    );
  }

  const description = data.description;
  if (description === undefined || description === null || description === "") {
    return fail(
      "Missing `description:` (one or two sentences: what the skill is for and when to load it).",
      1,
    );
  }
  if (typeof description !== "string") {
    return fail(`\`description\` must be a string, not ${kindOf(description)}.`, keyLine("description"));
  }
  if (description.trim() === "") return fail("`description` is empty.", keyLine("description"));
  if (description.length > MAX_DESCRIPTION_CHARS) {
    return fail(
      `\`description\` is ${description.length} characters; keep it under ${MAX_DESCRIPTION_CHARS} (the details go in the body).`,
      keyLine("description"),
    );
  }

  const triggers = parseTriggers(data.triggers, (i) => keyLine("triggers", i));
  if ("message" in triggers) return { ok: false, error: triggers };
  const optional = readOptionalKeys(data, keyLine);
  const warnings = [...(triggers.warning ? [triggers.warning] : []), ...optional.warnings].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0),
  );

  return {
    ok: true,
    skill: {
      name,
      description: description.trim(),
      triggers: triggers.triggers,
      modelInvocable: optional.modelInvocable,
      allowedTools: optional.allowedTools,
      warnings,
      frontMatter: data,
      body: parts.body,
      bodyLine: parts.bodyLine,
    },
  };
}

/** A YAML scalar for a skill name: quoted only when plain text would read as something else (`123`). */
function yamlName(name: string): string {
  return parse(name) === name ? name : JSON.stringify(name);
}

/**
 * Sets the front matter's `name` (for rename and for restoring a version saved under an old name),
 * changing only that value so comments and formatting stay as they were.
 */
export function withName(text: string, name: string): string {
  const parts = split(text);
  if (isProblem(parts)) throw new Error(parts.message);
  const doc = parseDocument(parts.yaml, { prettyErrors: false });
  if (doc.errors.length || !isMap(doc.contents))
    throw new Error("The front matter is not a valid YAML mapping.");
  const node = doc.contents.get("name", true) as Node | undefined;
  const range = isScalar(node) ? node.range : undefined;
  const yaml = range
    ? `${parts.yaml.slice(0, range[0])}${yamlName(name)}${parts.yaml.slice(range[1])}`
    : `name: ${yamlName(name)}${parts.yaml ? `\n${parts.yaml}` : ""}`;
  return `${text.startsWith("\uFEFF") ? "\uFEFF" : ""}${parts.head}${yaml}\n${parts.tail}`;
}

/** A new skill's starting text. */
export function skillTemplate(name: string, description: string): string {
  const desc = description.trim().replace(/\s+/g, " ");
  return `---
name: ${yamlName(name)}
description: ${JSON.stringify(desc)}
triggers: []
---

# ${name}

Write the instructions here: when this applies, the steps, and how to check the result.
`;
}
