/**
 * Response types written once (issue 15), checked on the source. Every JSON answer of an API route
 * is a type from its domain's views.ts: the result of a view function, or a value checked with
 * `satisfies`. The browser reaches the API only through components/api-client.ts, and the UI takes
 * the views' types with `import type` only, so no server code reaches the client bundle and a route
 * that changes its shape breaks the build of the components that read it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = process.cwd();
const API = path.join(ROOT, "app", "api");
const CLIENT = "components/api-client.ts";
/** Answers whose body the browser does not read (it reads the status): `{"ok": true}`. */
const UNTYPED = new Set(["health/route.ts", "auth/login/route.ts", "auth/logout/route.ts"]);
/** Where the UI lives: every component, and the pages and their panels. */
const UI = ["components", "app/(app)", "app/login", "app/layout.tsx", "app/page.tsx", "app/not-found.tsx"];

function sourceFiles(target: string): string[] {
  const full = path.join(ROOT, target);
  if (/\.tsx?$/.test(target)) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(target, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path.join(ROOT, rel)] : [];
  });
}

const rel = (file: string) => path.relative(ROOT, file);

/** Imports from a views module: `{ name, typeOnly }` for each name, `import type` or `type name`. */
function viewsImports(source: string): Array<{ name: string; typeOnly: boolean }> {
  const found: Array<{ name: string; typeOnly: boolean }> = [];
  for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)"/g)) {
    if (!/\/views$/.test(m[3] ?? "")) continue;
    for (const raw of (m[2] ?? "").split(",")) {
      const spec = raw.trim();
      if (!spec) continue;
      const typeOnly = Boolean(m[1]) || spec.startsWith("type ");
      const name =
        spec
          .replace(/^type\s+/, "")
          .split(/\s+as\s+/)
          .at(-1) ?? spec;
      found.push({ name, typeOnly });
    }
  }
  return found;
}

/** The first argument of every `Response.json(...)`, as written. */
function jsonBodies(source: string): string[] {
  const bodies: string[] = [];
  for (const m of source.matchAll(/Response\.json\(/g)) {
    let depth = 0;
    let end = m.index + m[0].length;
    for (; end < source.length; end++) {
      const c = source[end];
      if (c === "(" || c === "{" || c === "[") depth++;
      else if (c === ")" || c === "}" || c === "]") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
    }
    bodies.push(source.slice(m.index + m[0].length, end).trim());
  }
  return bodies;
}

/** Why a body is not bound to a views type, or null when it is. */
function unbound(body: string, source: string, views: Set<string>): string | null {
  const checked = /\bsatisfies\s+(\w+)\s*$/.exec(body);
  if (checked) return views.has(checked[1] ?? "") ? null : `${checked[1]} is not from a views module`;
  const call = /^\(?(?:await\s+)?(\w+)\(/.exec(body);
  if (call) return views.has(call[1] ?? "") ? null : `${call[1]}() is not a view function`;
  const variable = /^\w+$/.exec(body);
  if (variable) {
    const from = new RegExp(`const\\s+${body}\\s*=\\s*(?:await\\s+)?(\\w+)\\(`).exec(source);
    if (from && views.has(from[1] ?? "")) return null;
  }
  return "neither a view function's result nor `satisfies` a views type";
}

describe("API routes answer with their domain's views types", () => {
  const routes = sourceFiles("app/api").filter((f) => f.endsWith("route.ts"));

  it("are found", () => {
    expect(routes.length).toBeGreaterThan(50);
  });

  it.each(routes.map((f) => [path.relative(API, f), f]))("%s", (route, file) => {
    const source = readFileSync(file, "utf8");
    const bodies = jsonBodies(source);
    if (UNTYPED.has(route)) {
      expect(bodies.every((body) => body === "{ ok: true }")).toBe(true);
      return;
    }
    const views = new Set(viewsImports(source).map((i) => i.name));
    const problems = bodies.flatMap((body) => {
      const why = unbound(body, source, views);
      return why ? [`Response.json(${body.replace(/\s+/g, " ").slice(0, 80)}): ${why}`] : [];
    });
    expect(problems).toEqual([]);
  });
});

describe("the UI and the API", () => {
  const ui = UI.flatMap(sourceFiles);

  it("only the client module names an API path", () => {
    const naming = ui
      .filter((f) => rel(f) !== CLIENT)
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .flatMap((line, i) => (/["'`]\/api\//.test(line) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(naming).toEqual([]);
  });

  it("takes the views' types with import type only, never a value", () => {
    const values = ui.flatMap((f) =>
      viewsImports(readFileSync(f, "utf8"))
        .filter((i) => !i.typeOnly)
        .map((i) => `${rel(f)}: ${i.name}`),
    );
    expect(values).toEqual([]);
  });

  it("the client module imports nothing but types from the server's code", () => {
    const source = readFileSync(path.join(ROOT, CLIENT), "utf8");
    const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)];
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((m) => !m[1]).map((m) => m[2])).toEqual([]);
  });
});
