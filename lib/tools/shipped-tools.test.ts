import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { sha256 } from "./hash";
import { STARTER_TOOLS } from "./starter-hashes";
import { validateTool } from "./validate";

const dir = path.join(process.cwd(), "tools");
const shipped = readdirSync(dir).filter((f) => f.endsWith(".mjs"));

beforeAll(async () => {
  await startTestSandbox();
});

it("ships the starter tools", () => {
  expect(shipped.sort()).toEqual([
    "list_files.mjs",
    "safe_read.mjs",
    "search_code.mjs",
    "test_dev_server.mjs",
  ]);
});

it("pins the exact sha256 of every shipped starter, and pins nothing else (an edit must update lib/tools/starter-hashes.ts)", () => {
  const onDisk = Object.fromEntries(
    shipped.map((file) => [
      file.slice(0, -".mjs".length),
      sha256(readFileSync(path.join(dir, file), "utf8")),
    ]),
  );
  expect(onDisk).toEqual(STARTER_TOOLS);
});

it.each(shipped)(
  "%s passes validation in the sandbox, examples included",
  async (file) => {
    const { report } = await validateTool(readFileSync(path.join(dir, file), "utf8"), { schemaKey: file });
    const failures = [
      ...report.checks.filter((c) => c.status === "fail").map((c) => `${c.label}: ${c.detail}`),
      ...report.examples.filter((e) => !e.pass).map((e) => `example ${e.index + 1}: ${e.reason}`),
    ];
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.examples.length).toBeGreaterThanOrEqual(3);
  },
  120_000,
);
