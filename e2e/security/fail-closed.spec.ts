/**
 * Row 19 of the security suite (docs/security.md): bubblewrap missing. The app is started with a
 * PATH that has every program of this machine except `bwrap` (the way a machine without the
 * package looks). Every page says so in a banner, run_command is refused with the reason, an
 * agent tool approved earlier (while bubblewrap was there) is refused too, and a new proposal fails
 * validation with the reason: nothing runs unsandboxed. A private app server runs on
 * SECURITY.appPort(7).
 */
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { SECURITY } from "../support/constants";
import { expect, test } from "../support/fixtures";
import {
  apiClient,
  createSession,
  queryDatabase,
  runTurn,
  type SecurityApp,
  securityEnv,
  sleep,
  startSecurityApp,
} from "../support/security";
import { type AppServer, startServer } from "../support/server";

const RUN = Date.now().toString(36);
const TOOL = `hello_${RUN}`;
const SOURCE = `export const description = "Says hello.";
export const schema = { type: "object", properties: {}, additionalProperties: false };
export const capabilities = { filesystem: "none" };
export const examples = [{ args: {}, expect: { result: "hello" } }];
export async function run() { return { ok: true, result: "hello" }; }
`;

/** A folder with a link to every program on PATH except bwrap. */
function pathWithoutBwrap(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  for (const source of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!source || !existsSync(source)) continue;
    for (const name of readdirSync(source)) {
      if (name === "bwrap" || seen.has(name)) continue;
      const full = path.join(source, name);
      try {
        if (!statSync(full).isFile()) continue;
      } catch {
        continue;
      }
      seen.add(name);
      symlinkSync(full, path.join(dir, name));
    }
  }
  expect(existsSync(path.join(dir, "bwrap"))).toBe(false);
  expect(existsSync(path.join(dir, "node"))).toBe(true);
  return dir;
}

test("row 19: without bubblewrap every page says so, and commands and agent tools are refused with the reason", async ({
  page,
}) => {
  test.setTimeout(240_000);
  // first, with bubblewrap: a tool is proposed and approved
  let sec: SecurityApp | undefined = await startSecurityApp({ name: "fail-closed", offset: 7 });
  let bare: AppServer | undefined;
  try {
    const first = await createSession(sec.api, "before");
    const args = JSON.stringify({ name: TOOL, source: SOURCE, reason: "greetings" });
    await runTurn(sec.api, first, `[[tool: propose_tool ${args}]]`, 90_000);
    const detail = await sec.api.get<{ versions: Array<{ sha256: string; status: string }> }>(
      `/api/tools/${TOOL}`,
    );
    expect(detail.json.versions[0]?.status).toBe("proposed");
    expect(
      (await sec.api.post(`/api/tools/${TOOL}/approve`, { sha256: detail.json.versions[0]?.sha256 })).status,
    ).toBe(200);
    const { dirs, llm } = sec;
    await sec.app.stop();

    // then the same install on a machine without bubblewrap
    const bin = pathWithoutBwrap(path.join(dirs.root, "bin"));
    bare = await startServer({
      port: SECURITY.appPort(7),
      dataDir: dirs.data,
      env: { ...securityEnv(dirs, llm), PATH: bin },
    });
    expect(bare.output()).toMatch(/WARNING: sandbox unavailable: .*(bubblewrap|bwrap)/);
    const api = apiClient(bare.url);
    const settings = await api.get<{ sandbox: { mode: string; reason: string } }>("/api/settings");
    expect(settings.json.sandbox.mode).toBe("unavailable");
    expect(settings.json.sandbox.reason).toMatch(/bubblewrap|bwrap/);
    expect(settings.json.sandbox.reason).toContain("apt-get install bubblewrap");
    expect(settings.json.sandbox.reason).toContain("RATCHET_SANDBOX=off");

    // the banner, on every page
    await page.goto(bare.loginLink);
    for (const route of ["/sessions", "/tools", "/settings", "/skills"]) {
      await page.goto(`${bare.url}${route}`);
      const banner = page.getByTestId("sandbox-banner");
      await expect(banner, route).toBeVisible();
      await expect(banner).toContainText("Commands are refused: no sandbox.");
      await expect(banner).toContainText("bubblewrap");
    }

    // a command, the approved tool and a new proposal: all refused, nothing ran
    llm.reset();
    const marker = path.join(dirs.workspace, `ran-${RUN}`);
    const id = await createSession(api, "after");
    const proposal = JSON.stringify({
      name: `second_${RUN}`,
      source: SOURCE.replace("hello", "hi"),
      reason: "again",
    });
    await runTurn(
      api,
      id,
      `[[cmd: touch ${marker}]] [[tool: ${TOOL} {}]] [[tool: propose_tool ${proposal}]]`,
      90_000,
    );
    const results = llm.requests.flatMap((r) => r.toolResults.map((t) => t.output));
    expect(results).toHaveLength(3);
    // a failed tool reaches the model as the AI SDK's {"error": "..."}
    expect(results[0]).toMatch(/Refused: the sandbox cannot start \(.*(bubblewrap|bwrap)/);
    expect(results[1]).toMatch(new RegExp(`${TOOL} failed: Refused: the sandbox cannot start`));
    expect(results[2]).toMatch(/Validation FAILED/);
    expect(results[2]).toMatch(/Refused: the sandbox cannot start/);
    expect(existsSync(marker)).toBe(false);
    const session = await api.get<{
      status: string;
      messages: Array<{ parts: Array<{ tool?: string; state?: string }> }>;
    }>(`/api/sessions/${id}`);
    expect(session.json.status).toBe("idle");
    const parts = session.json.messages.flatMap((m) => m.parts).filter((p) => p.tool);
    expect(parts.map((p) => [p.tool, p.state])).toEqual([
      ["run_command", "error"],
      [TOOL, "error"],
      ["propose_tool", "completed"],
    ]);
    await sleep(500);
    const calls = queryDatabase<{ tool: string; errorClass: string | null }>(
      dirs.data,
      'SELECT tool, "errorClass" FROM "ToolCall" WHERE "sessionId" = ? AND tool != ? ORDER BY "createdAt"',
      id,
      "propose_tool",
    );
    expect(calls).toEqual([
      { tool: "run_command", errorClass: "sandbox_denial" },
      { tool: TOOL, errorClass: "sandbox_denial" },
    ]);
    // the session page shows the refusal too
    await page.goto(`${bare.url}/sessions/${id}`);
    await expect(page.getByTestId("sandbox-banner")).toBeVisible();
  } finally {
    await bare?.stop();
    await sec?.stop();
    sec = undefined;
  }
});
