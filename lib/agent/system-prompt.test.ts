import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxStatus } from "@/lib/sandbox";
import { AGENTS_MD_CAP, buildSystemPrompt, describeSandbox, readAgentsMd } from "./system-prompt";

const prompt = (sandbox: SandboxStatus) =>
  buildSystemPrompt({
    workspace: "/work/project",
    model: "m",
    tools: [],
    toolbox: { skills: [], catalog: { callable: [], unavailable: [], refused: [] } },
    context: { telemetry: "", agentsMd: null },
    sandbox,
    now: new Date("2026-11-26T12:00:00Z"),
  });

describe("system prompt: the sandbox", () => {
  it("tells the model what the sandbox allows, with the network policy in force", async () => {
    const text = await prompt({
      mode: "on",
      reason: null,
      network: { mode: "allowlist", domains: ["registry.npmjs.org"] },
    });
    const environment = text.slice(text.indexOf("## Environment"));
    expect(environment).toContain("- Workspace: /work/project");
    expect(environment).toContain("- Sandbox: on.");
    expect(environment).toContain("allowlist: only registry.npmjs.org");
    expect(environment).toContain("[sandbox] network requests blocked");
  });

  it("describes each network policy", () => {
    expect(describeSandbox({ mode: "on", reason: null, network: { mode: "none" } })).toContain(
      "none: no network at all",
    );
    expect(describeSandbox({ mode: "on", reason: null, network: { mode: "open" } })).toContain(
      "this machine, loopback, link-local, cloud metadata and private network addresses stay blocked",
    );
  });

  it("says when commands are unsandboxed or refused", () => {
    expect(
      describeSandbox({ mode: "off", reason: "RATCHET_SANDBOX=off", network: { mode: "open" } }),
    ).toContain("Sandbox: off");
    expect(
      describeSandbox({
        mode: "unavailable",
        reason: "bubblewrap is not installed",
        network: { mode: "open" },
      }),
    ).toBe(
      "- Sandbox: unavailable (bubblewrap is not installed). Commands and tools are refused until it is fixed; tell the user.",
    );
  });
});

describe("system prompt: AGENTS.md is read from the workspace, never through a link", () => {
  const SECRET = "token-from-the-data-dir-0123456789abcdef";
  let base: string;
  let n = 0;
  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), "ratchet-agents-md-"));
    mkdirSync(path.join(base, "data"));
    writeFileSync(path.join(base, "data", "token"), `${SECRET}\n`);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  function workspace(plant: (ws: string) => void): string {
    const ws = path.join(base, `ws-${n++}`);
    mkdirSync(ws);
    plant(ws);
    return ws;
  }

  const ATTACKS: Array<[string, (ws: string) => void]> = [
    [
      "a symlink to the data dir's token",
      (ws) => symlinkSync(path.join(base, "data", "token"), path.join(ws, "AGENTS.md")),
    ],
    [
      "a symlink to /proc/self/environ",
      (ws) => symlinkSync("/proc/self/environ", path.join(ws, "AGENTS.md")),
    ],
    [
      "CLAUDE.md as a symlink to the token",
      (ws) => symlinkSync(path.join(base, "data", "token"), path.join(ws, "CLAUDE.md")),
    ],
    [
      "a hard link to the token",
      (ws) => linkSync(path.join(base, "data", "token"), path.join(ws, "AGENTS.md")),
    ],
    [
      "a FIFO (reading it would block the turn forever)",
      (ws) => execFileSync("mkfifo", [path.join(ws, "AGENTS.md")]),
    ],
    ["a dangling link", (ws) => symlinkSync(path.join(base, "nowhere"), path.join(ws, "AGENTS.md"))],
  ];

  for (const [name, plant] of ATTACKS) {
    it(`${name}: not read, and the prompt says so`, async () => {
      const text = await readAgentsMd(workspace(plant));
      expect(text).toMatch(
        /(AGENTS|CLAUDE)\.md was not read: it (is a symbolic link|has 2 hard links|is not a regular file)/,
      );
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/PATH=|HOME=/);
    });
  }

  it("reads CLAUDE.md when AGENTS.md is a link to it (a common layout), and AGENTS.md first otherwise", async () => {
    const linked = workspace((ws) => {
      writeFileSync(path.join(ws, "CLAUDE.md"), "Use pnpm.\n");
      symlinkSync("CLAUDE.md", path.join(ws, "AGENTS.md"));
    });
    expect(await readAgentsMd(linked)).toBe("Use pnpm.\n");
    const both = workspace((ws) => {
      writeFileSync(path.join(ws, "AGENTS.md"), "agents\n");
      writeFileSync(path.join(ws, "CLAUDE.md"), "claude\n");
    });
    expect(await readAgentsMd(both)).toBe("agents\n");
    expect(await readAgentsMd(workspace(() => {}))).toBeNull();
  });

  it("caps a huge file at 16 KiB, read from the open file", async () => {
    const ws = workspace((w) => {
      writeFileSync(path.join(w, "AGENTS.md"), "rule\n");
      truncateSync(path.join(w, "AGENTS.md"), 1024 * 1024 * 1024);
    });
    const text = (await readAgentsMd(ws)) ?? "";
    expect(text.startsWith("rule\n")).toBe(true);
    expect(text).toMatch(/\[… AGENTS\.md truncated at 16 KiB\]$/);
    expect(text.length).toBeLessThan(AGENTS_MD_CAP + 100);
  });
});
