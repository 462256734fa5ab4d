import { existsSync, readFileSync, renameSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeLLM, startFakeLLM } from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { sendMessage } from "@/lib/agent/runner";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { readSetting } from "@/lib/db/queries/settings";
import { ApiError } from "@/lib/errors";
import { openSession } from "@/lib/sessions/service";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { ROOTS_SETTING } from "./policy";
import { saveWorkspaceRoots } from "./roots";
import { DATA_DIR_MARKER } from "./rules";
import { workspaceForNewSession } from "./session";
import { prepareWorkspaces } from "./startup";

let llm: FakeLLM;
const root = () => process.env.RATCHET_WORKSPACE_ROOTS ?? "";
const dataDir = () => process.env.RATCHET_DATA_DIR ?? "";

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  await saveModelSettings({ baseUrl: llm.url, apiKey: "sk-test-workspaces-0000000000", model: "fake-model" });
});

afterAll(() => llm.close());

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe("a new session's workspace", () => {
  it("defaults to a folder inside the root, created on demand, never the app dir", async () => {
    const folder = await workspaceForNewSession(undefined);
    expect(folder).toBe(path.join(root(), "default"));
    expect(existsSync(folder)).toBe(true);
    expect(folder.startsWith(process.cwd())).toBe(false);
  });

  it("refuses the app dir, the data dir, / and anything outside the roots with 400, and creates nothing", async () => {
    const before = await db().session.count();
    for (const [folder, reason] of [
      [process.cwd(), /Ratchet's app folder/],
      [dataDir(), /Ratchet's data folder/],
      ["/", /root of the file system/],
      ["/etc", /system folder/],
      [path.dirname(root()), /shared temp folder|outside the workspace roots/],
      [`${root()}/../`, /outside the workspace roots|shared temp folder/],
    ] as const) {
      const error = await refusal(openSession({ workspace: folder }));
      expect(error.status, folder).toBe(400);
      expect(error.message).toMatch(reason);
    }
    const missing = await refusal(openSession({ workspace: path.join(root(), "absent") }));
    expect(missing.status).toBe(422);
    expect(await db().session.count()).toBe(before);
  });

  it("stores the real folder, not the link a request named", async () => {
    const target = testWorkspace("real-");
    const link = path.join(root(), `link-${path.basename(target)}`);
    symlinkSync(target, link);
    const session = await openSession({ workspace: link });
    expect(session.workspace).toBe(target);
  });
});

async function turnEvents(sessionId: string) {
  await activeTurns().get(sessionId)?.done;
  return listEventsAfter(sessionId, 0, 1000);
}

describe("every turn checks the workspace again", () => {
  it("refuses a turn once the folder was swapped for a link to the data dir: nothing runs, the user is told", async () => {
    const workspace = testWorkspace("swap-");
    const session = await openSession({ workspace });
    renameSync(workspace, `${workspace}.old`);
    symlinkSync(dataDir(), workspace);
    llm.reset();
    await sendMessage(session.id, "[[cmd: cat token]]");
    const events = await turnEvents(session.id);
    expect(llm.requests).toHaveLength(0);
    expect(events.some((e) => e.type === "tool-call")).toBe(false);
    const error = events.find((e) => e.type === "error");
    expect(error).toMatchObject({ code: "turn_failed" });
    expect(JSON.stringify(error)).toMatch(/Ratchet's data folder/);
    expect(JSON.stringify(error)).toMatch(/start a new session/);
    expect(events.at(-1)).toMatchObject({ type: "status", status: "idle" });
  });

  it("upgrade: an earlier session in the app dir stays readable, its new turns are refused with a hint", async () => {
    const session = await createSession({
      title: "from an older release",
      workspace: process.cwd(),
      budgetUsd: null,
      model: "fake-model",
    });
    llm.reset();
    await sendMessage(session.id, "hello");
    const events = await turnEvents(session.id);
    expect(llm.requests).toHaveLength(0);
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/Ratchet's app folder.*start a new session in an allowed folder/),
    });

    const lines: string[] = [];
    const log = { log: (l: string) => lines.push(l), warn: (l: string) => lines.push(l) };
    await prepareWorkspaces(log);
    const said = lines.join("\n");
    expect(said).toContain(
      `[ratchet] workspaces: sessions may work in ${root()} (from RATCHET_WORKSPACE_ROOTS)`,
    );
    expect(said).toMatch(/earlier session\(s\) work in a folder that may no longer be a workspace/);
    expect(said).toContain(`in ${process.cwd()}: Refused: ${process.cwd()} is Ratchet's app folder`);
    expect(readFileSync(path.join(dataDir(), DATA_DIR_MARKER), "utf8")).toMatch(/Ratchet data dir/);
  });
});

describe("saving roots (admin, in Settings)", () => {
  it("refuses a root that could not itself be a workspace, saving nothing", async () => {
    const before = await readSetting(ROOTS_SETTING, z.unknown());
    for (const [roots, reason] of [
      [["/"], /root of the file system/],
      [[process.cwd()], /Ratchet's app folder/],
      [[root(), "/usr"], /\/usr is a system folder/],
      [[path.join(root(), "absent")], /does not exist/],
      [["relative"], /not an absolute path/],
    ] as const) {
      const error = await refusal(saveWorkspaceRoots([...roots]));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(reason);
    }
    expect(await readSetting(ROOTS_SETTING, z.unknown())).toEqual(before);
  });

  it("saves real paths and clears with an empty list", async () => {
    // the same root the environment gives: other test files share this database
    const link = path.join(path.dirname(root()), `${path.basename(root())}-link`);
    symlinkSync(root(), link);
    expect(await saveWorkspaceRoots([link])).toMatchObject({ saved: [root()] });
    expect(await readSetting(ROOTS_SETTING, z.unknown())).toEqual([root()]);
    expect(await saveWorkspaceRoots([])).toMatchObject({ previous: [root()], saved: null });
    expect(await readSetting(ROOTS_SETTING, z.unknown())).toEqual([]);
  });
});
