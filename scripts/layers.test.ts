import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Import, importsOf, layerProblems, repositoryImports, sourceFiles } from "./layers";

const imports = (...pairs: [string, string][]): Import[] => pairs.map(([file, target]) => ({ file, target }));

describe("importsOf", () => {
  it("finds every way a file depends on another: static, type-only, re-exports, dynamic, side effects", () => {
    const source = [
      `import { db } from "../client";`,
      `import type { SessionEvent } from "@/lib/events/types";`,
      "import {\n  a,\n  b,\n} from '@/lib/agent/parts';",
      `export { parsePart } from "@/lib/db/schemas/parts";`,
      `export type { X } from "./x";`,
      `import "@/lib/env";`,
      `const later = await import("@/lib/learning/reflection");`,
      `import { z } from "zod";`,
      `import path from "node:path";`,
      `import { fake } from "@/e2e/support/fake-llm";`,
    ].join("\n");
    expect(importsOf("lib/db/queries/events.ts", source).map((i) => i.target)).toEqual([
      "lib/db/client",
      "lib/events/types",
      "lib/agent/parts",
      "lib/db/schemas/parts",
      "lib/db/queries/x",
      "lib/env",
      "lib/learning/reflection",
    ]);
  });
});

describe("layerProblems", () => {
  it("accepts domain folders that use the database and the top-level modules", () => {
    const graph = imports(
      ["lib/learning/capture.ts", "lib/db/queries/messages"],
      ["lib/db/client.ts", "lib/env"],
      ["lib/db/queries/settings.ts", "lib/errors"],
      ["lib/learning/capture.ts", "lib/telemetry/range"],
    );
    expect(layerProblems(graph, [])).toEqual([]);
  });

  it.each([
    ["a domain folder", "lib/agent/parts"],
    ["a type-only schema in a domain folder", "lib/events/types"],
    ["a nested domain module", "lib/learning/maintenance/analysis"],
  ])("refuses lib/db importing %s, naming the file", (_, target) => {
    const problems = layerProblems(imports(["lib/db/queries/messages.ts", target]), []);
    expect(problems[0]).toBe(`lib/db/queries/messages.ts imports ${target}: lib/db imports no domain folder`);
  });

  it("refuses two folders that import each other, listing both directions' files", () => {
    const problems = layerProblems(
      imports(["lib/auth/guard.ts", "lib/api/errors"], ["lib/api/handler.ts", "lib/auth/guard"]),
      [],
    );
    expect(problems).toEqual([
      [
        "folders that import each other: api, auth",
        "    auth → api: lib/auth/guard.ts imports lib/api/errors",
        "    api → auth: lib/api/handler.ts imports lib/auth/guard",
      ].join("\n"),
    ]);
  });

  it("refuses a longer loop of folders, not only a pair", () => {
    const problems = layerProblems(
      imports(
        ["lib/tools/lifecycle.ts", "lib/events/log"],
        ["lib/events/log.ts", "lib/sessions/service"],
        ["lib/sessions/service.ts", "lib/tools/catalog"],
      ),
      [],
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^folders that import each other: events, sessions, tools\n/);
  });

  it("lets an allowlisted cycle through, and only that one", () => {
    const graph = imports(
      ["lib/agent/runner.ts", "lib/learning/capture"],
      ["lib/learning/reflection.ts", "lib/agent/model"],
      ["lib/team/users.ts", "lib/api/errors"],
      ["lib/api/handler.ts", "lib/team/audit"],
    );
    const problems = layerProblems(graph, [["agent", "learning"]]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^folders that import each other: api, team\n/);
  });

  it("refuses an allowlisted cycle that no longer exists, so the list only shrinks", () => {
    const problems = layerProblems(imports(["lib/agent/runner.ts", "lib/learning/capture"]), [
      ["agent", "learning"],
    ]);
    expect(problems).toEqual(["agent ↔ learning is no longer a cycle: remove it from PENDING_CYCLES"]);
  });
});

describe("the repository", () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("reads the non-test sources under lib/, leaving out tests and the generated clients", () => {
    root = mkdtempSync(path.join(os.tmpdir(), "ratchet-layers-"));
    for (const file of [
      "lib/db/client.ts",
      "lib/db/client.test.ts",
      "lib/db/generated/sqlite/client.ts",
      "lib/agent/tools/x.ts",
      "lib/env.ts",
      "lib/readme.md",
    ]) {
      mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(root, file), `import "@/lib/agent/parts";\n`);
    }
    expect(sourceFiles(root).sort()).toEqual(["lib/agent/tools/x.ts", "lib/db/client.ts", "lib/env.ts"]);
    expect(layerProblems(repositoryImports(root), [])).toEqual([
      "lib/db/client.ts imports lib/agent/parts: lib/db imports no domain folder",
    ]);
  });
});
