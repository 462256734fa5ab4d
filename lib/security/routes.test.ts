/**
 * Rows 1, 2 and 4 (docs/security.md), checked on the source: every API route handler goes through
 * route() (lib/api/handler.ts), which checks the Host, the credentials and the Origin in the handler
 * itself (middleware can be bypassed), and only the health check and the login are public.
 * The end-to-end checks of the same rows are in e2e/security/access.spec.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const API = path.join(process.cwd(), "app", "api");
const PUBLIC = new Set(["health/route.ts", "auth/login/route.ts"]);

function routeFiles(dir = API): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("API route handlers", () => {
  const files = routeFiles();

  it("are found", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [path.relative(API, f), f]))(
    "%s: every method is wrapped by route()",
    (_rel, file) => {
      const source = readFileSync(file, "utf8");
      const methods = [
        ...source.matchAll(
          /export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g,
        ),
      ];
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const declaration = source.slice(method.index, method.index + 200);
        expect(declaration, `${method[1]} in ${file}`).toMatch(
          /^export\s+const\s+\w+\s*=\s*route(<[^>]*>)?\(/,
        );
      }
    },
  );

  it("only the health check and the login are public, and the login checks Origin itself", () => {
    const open = files
      .filter((f) => readFileSync(f, "utf8").includes("public: true"))
      .map((f) => path.relative(API, f));
    expect(open.sort()).toEqual([...PUBLIC].sort());
    // the Host of a public route is checked by route() (lib/api/handler.test.ts)
    const login = readFileSync(path.join(API, "auth/login/route.ts"), "utf8");
    expect(login).toContain("checkOrigin(");
  });
});

describe("the proxy (middleware)", () => {
  const proxy = readFileSync(path.join(process.cwd(), "proxy.ts"), "utf8");
  const matcher = /export const config = \{ matcher: \["([^"]+)"\] \};/.exec(proxy)?.[1] ?? "";
  // Next anchors a matcher and takes a parenthesized part as a regular expression
  const runs = (pathname: string) => new RegExp(`^${matcher}$`).test(pathname);

  it("checks the Host for pages and assets", () => {
    expect(proxy).toContain("checkHost(request.headers)");
  });

  it("runs for every path but the API's, whose routes check everything themselves", () => {
    expect(matcher).not.toBe("");
    for (const page of [
      "/",
      "/login",
      "/sessions",
      "/sessions/abc",
      "/settings",
      "/_next/static/chunks/app.js",
      "/favicon.ico",
      "/apis",
      "/api-docs",
      "/x/api/sessions",
      "/API/sessions",
    ])
      expect(runs(page), page).toBe(true);
    for (const api of ["/api", "/api/", "/api/health", "/api/sessions/abc/events"])
      expect(runs(api), api).toBe(false);
  });
});
