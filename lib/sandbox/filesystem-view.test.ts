import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { discoverLayout } from "./filesystem-view";

function home(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "layout-home-"));
  for (const bin of [".cache/ratchet/node/v24/bin", ".cargo/bin", ".mytool/bin", ".ssh", "bin"]) {
    mkdirSync(path.join(dir, bin), { recursive: true });
  }
  writeFileSync(path.join(dir, ".cache/ratchet/node/v24/bin/node"), "");
  writeFileSync(path.join(dir, ".cache/other-app-token"), "secret");
  return dir;
}

describe("toolchains found on the server's PATH", () => {
  it("mount the toolchain itself, never the whole dot folder around it", () => {
    const dir = home();
    const layout = discoverLayout({
      pathVariable: [".cargo/bin", ".mytool/bin", ".ssh", "bin"].map((p) => path.join(dir, p)).join(":"),
      home: dir,
      nodeBinary: path.join(dir, ".cache/ratchet/node/v24/bin/node"),
      protectedDirs: [],
    });
    const rel = layout.toolchains.map((t) => path.relative(dir, t));
    expect(rel).toEqual([".cache/ratchet/node/v24", ".cargo", ".mytool"]);
  });
});
