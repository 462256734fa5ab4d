import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module without types; LTS_NODE is a version string
import { LTS_NODE } from "./lts-node.mjs";

/**
 * The Node versions we say work are ones every dependency says it supports: `engines` in
 * package.json (its lowest version) and the LTS the tests run on as well. Issue 21: `engines` said
 * ≥ 20.11 while `ai@7` and `@ai-sdk/*` need ≥ 22.
 */

type Version = [number, number, number];

function parse(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text
    .replace(/^v/, "")
    .split(".")
    .map((n) => (n === "x" || n === "*" ? 0 : Number.parseInt(n, 10)));
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** One comparator of an npm range: `>=22`, `>= 20`, `<25`, `20.x`, `^20.0.0`, `20`. */
function satisfiesOne(v: Version, comparator: string): boolean {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*v?([\dx*]+(?:\.[\dx*]+){0,2})$/.exec(comparator.trim());
  if (!m) throw new Error(`cannot read the range ${comparator}`);
  const [op = "", text = ""] = [m[1], m[2]];
  const bound = parse(text);
  const parts = text.split(".").filter((p) => p !== "x" && p !== "*").length;
  const c = compare(v, bound);
  if (op === ">=") return c >= 0;
  if (op === ">") return c > 0;
  if (op === "<=") return c <= 0;
  if (op === "<") return c < 0;
  if (op === "^") return c >= 0 && v[0] === bound[0];
  if (op === "~") return c >= 0 && v[0] === bound[0] && v[1] === bound[1];
  // `20`, `20.x`, `=20.1.2`: the same in every part given
  return bound.slice(0, parts).every((n, i) => v[i] === n);
}

function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split("||").some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|=)\s+/g, "$1")
      .split(/\s+/)
      .every((comparator) => satisfiesOne(v, comparator)),
  );
}

const root = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe("the Node versions Ratchet says it runs on", () => {
  const lowest = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node)?.[1];
  const versions = [lowest ?? "", LTS_NODE as string];

  it("are a lower bound in engines, and the LTS the tests run on is at or above it", () => {
    expect(lowest, `engines.node is ${pkg.engines.node}`).toBeTruthy();
    expect(satisfies(LTS_NODE as string, pkg.engines.node)).toBe(true);
  });

  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    it(`are ones ${name} supports`, () => {
      const manifest = JSON.parse(
        readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"),
      ) as {
        engines?: { node?: string };
      };
      const range = manifest.engines?.node;
      if (!range) return;
      for (const version of versions) expect(satisfies(version, range), `${name} needs ${range}`).toBe(true);
    });
  }
});
