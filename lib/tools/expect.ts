import { z } from "zod";

/**
 * The `examples` a dynamic tool ships (its tests) and the rules that check what `run` returned.
 * Pure and dependency-free apart from zod, so the host, the sandbox runner and tests can share it.
 */

const MAX_FILE_CHARS = 256 * 1024;
const MAX_FILES = 50;

/** Relative, inside the example's folder: no leading `/` or `~`, drive letter, `..`, `.` or empty segment. */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.includes("\0") || path.startsWith("~") || /^[A-Za-z]:/.test(path))
    return false;
  return path.split(/[\\/]/).every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

const relativePath = z
  .string()
  .max(500)
  .refine(
    isSafeRelativePath,
    "must be a relative path inside the example folder (no /, ~, .. or empty parts)",
  );

export const expectationSchema = z
  .strictObject({
    ok: z.boolean().optional(),
    // results cross a JSON boundary (the sandbox runner prints them), so only JSON values can match
    result: z.json().optional(),
    contains: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(20)]).optional(),
    error: z.string().min(1).optional(),
  })
  .superRefine((expect, ctx) => {
    const wantsError = expect.ok === false || expect.error !== undefined;
    if (expect.error !== undefined && expect.ok === true) {
      ctx.addIssue({ code: "custom", path: ["error"], message: "error implies ok false, but ok is true" });
    }
    if (expect.result !== undefined && wantsError) {
      ctx.addIssue({ code: "custom", path: ["result"], message: "result only applies when ok is true" });
    }
  });

export const exampleSchema = z.strictObject({
  args: z.record(z.string(), z.unknown()),
  files: z
    .record(relativePath, z.string().max(MAX_FILE_CHARS))
    .refine((files) => Object.keys(files).length <= MAX_FILES, `at most ${MAX_FILES} files`)
    .optional(),
  expect: expectationSchema,
});

export const runResultSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: z.string().min(1) }),
]);

export type Expectation = z.infer<typeof expectationSchema>;
export type Example = z.infer<typeof exampleSchema>;
export type RunResult = z.infer<typeof runResultSchema>;
export interface MatchOutcome {
  pass: boolean;
  reason?: string;
}

const PREVIEW_CHARS = 120;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** A short, unambiguous rendering: strings quoted, `undefined` and `NaN` spelled out. */
export function preview(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return value.toString();
  try {
    return clip(JSON.stringify(value) ?? String(value));
  } catch {
    return clip(String(value));
  }
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isPlainObject(value)) return `an object ${preview(value)}`;
  return preview(value);
}

function keyPath(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function samePrimitive(expected: unknown, actual: unknown): boolean {
  // NaN never equals itself under ===; an expectation of NaN can only mean "NaN"
  return expected === actual || (Number.isNaN(expected) && Number.isNaN(actual));
}

/** Deep partial match; returns the first mismatch as "path: expected …, got …". */
export function matchValue(expected: unknown, actual: unknown, path = "result"): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual))
      return `${path}: expected an array of ${expected.length}, got ${shown(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected an array of ${expected.length}, got an array of ${actual.length} ${preview(actual)}`;
    }
    for (const [index, item] of expected.entries()) {
      const mismatch = matchValue(item, actual[index], `${path}[${index}]`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return `${path}: expected an object, got ${shown(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const childPath = keyPath(path, key);
      if (!Object.hasOwn(actual, key)) {
        if (value === undefined) continue;
        return `${childPath}: missing, expected ${preview(value)}`;
      }
      const mismatch = matchValue(value, actual[key], childPath);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (samePrimitive(expected, actual)) return undefined;
  return `${path}: expected ${preview(expected)}, got ${shown(actual)}`;
}

/** `error` implies ok false and `result` implies ok true, unless `ok` says so itself. */
function expectedOk(expect: Expectation): boolean | undefined {
  if (expect.ok !== undefined) return expect.ok;
  if (expect.error !== undefined) return false;
  if (expect.result !== undefined) return true;
  return undefined;
}

function malformedReason(returned: unknown): string {
  const shape = "run must return { ok: true, result } or { ok: false, error: string }";
  if (!isPlainObject(returned)) return `${shape}, got ${shown(returned)}`;
  if (typeof returned.ok !== "boolean") return `${shape}, got ok ${preview(returned.ok)}`;
  return `${shape}; ok is false but error is ${preview(returned.error)} (needs a non-empty string)`;
}

/** Checks a tool's return value against an example's `expect`; `reason` says what differed. */
export function matchExpectation(expect: Expectation, returned: unknown): MatchOutcome {
  const parsed = runResultSchema.safeParse(returned);
  if (!parsed.success) return { pass: false, reason: malformedReason(returned) };
  const run = parsed.data;
  const fail = (reason: string): MatchOutcome => ({ pass: false, reason });
  const got = run.ok ? `got ok true with result ${preview(run.result)}` : `got error ${preview(run.error)}`;

  const wantOk = expectedOk(expect);
  if (wantOk !== undefined && wantOk !== run.ok) return fail(`expected ok ${wantOk}, ${got}`);

  if (expect.error !== undefined) {
    if (run.ok) return fail(`expected an error containing ${preview(expect.error)}, ${got}`);
    if (!run.error.includes(expect.error)) {
      return fail(`error: expected to contain ${preview(expect.error)}, got ${preview(run.error)}`);
    }
  }

  if (expect.result !== undefined) {
    if (!run.ok) return fail(`expected a result, ${got}`);
    const mismatch = matchValue(expect.result, run.result);
    if (mismatch) return fail(mismatch);
  }

  if (expect.contains !== undefined) {
    const needles = typeof expect.contains === "string" ? [expect.contains] : expect.contains;
    const label = run.ok ? "result (as JSON)" : "error";
    const text = run.ok ? (safeStringify(run.result) ?? "") : run.error;
    for (const needle of needles) {
      if (!text.includes(needle)) {
        return fail(
          `${label}: expected to contain ${preview(needle)}, got ${run.ok ? clip(text) || "no result" : preview(text)}`,
        );
      }
    }
  }

  return { pass: true };
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
