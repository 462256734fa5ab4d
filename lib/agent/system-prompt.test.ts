import { describe, expect, it } from "vitest";
import type { SandboxStatus } from "@/lib/sandbox";
import { buildSystemPrompt, describeSandbox } from "./system-prompt";

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
