/**
 * Row 18 of the security suite (docs/security.md): the model endpoint answers 401, 429 and 500
 * (and keeps doing so through the retries), sends garbage, drops the connection, or hangs half-way
 * through a stream. Each must end the turn with a clear error in the session, never crash the
 * server, and leave the session usable; Stop must end a hung stream at once. That a hung stream
 * times out by itself (model_timeout after RATCHET_MODEL_TIMEOUT_SECONDS of silence) is tested in
 * lib/security/model-faults.test.ts with a 2 s limit. A private app server runs on SECURITY.appPort(6).
 */
import { expect, test } from "../support/fixtures";
import {
  createSession,
  type EventRecord,
  HANG_MID_STREAM,
  isAlive,
  readEvents,
  runTurn,
  type SecurityApp,
  serverPid,
  sleep,
  startSecurityApp,
} from "../support/security";

let sec: SecurityApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  sec = await startSecurityApp({ name: "model-faults", offset: 6 });
});

test.afterAll(async () => {
  await sec?.stop();
});

async function lastTurn(id: string): Promise<EventRecord[]> {
  const events = await readEvents(sec.url, id, { timeoutMs: 2000, until: () => false });
  const start = events.findLastIndex((e) => e.type === "turn-start");
  return events.slice(start);
}

const FAULTS: Array<{ label: string; text: string; code: string; message: RegExp; retries?: number }> = [
  {
    label: "401",
    text: "[[fail: 401]] hello",
    code: "model_auth",
    message: /rejected the API key \(HTTP 401\)/,
  },
  {
    label: "429 that never clears",
    text: "[[fail: 429]] hello",
    code: "model_rate_limited",
    message: /rate limiting requests \(HTTP 429\)/,
    retries: 4,
  },
  {
    label: "500 that never clears",
    text: "[[fail: 500]] hello",
    code: "model_server_error",
    message: /failed \(HTTP 500\)/,
    retries: 4,
  },
  { label: "garbage", text: "[[malformed]] hello", code: "model_bad_response", message: /could not read/ },
  {
    label: "dropped connection",
    text: "[[drop]] hello there friend",
    code: "model_connection_lost",
    message: /failed mid-response/,
  },
];

for (const fault of FAULTS) {
  test(`row 18: a model endpoint that answers ${fault.label} ends the turn with a clear error, and the session carries on`, async () => {
    test.setTimeout(90_000);
    const pid = serverPid(sec.app);
    const id = await createSession(sec.api, fault.label);
    const session = await runTurn(sec.api, id, fault.text, 60_000);
    expect(session.status).toBe("idle");
    const events = await lastTurn(id);
    const error = events.find((e) => e.type === "error");
    expect(error, JSON.stringify(events)).toMatchObject({ code: fault.code });
    expect(String(error?.message)).toMatch(fault.message);
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "error" });
    if (fault.retries) expect(events.filter((e) => e.type === "retry")).toHaveLength(fault.retries);
    // the session shows the error to a person: it is in the transcript the page replays
    expect(isAlive(pid)).toBe(true);
    // and the next message works
    await runTurn(sec.api, id, "are you there?");
    const next = await lastTurn(id);
    expect(next.find((e) => e.type === "turn-end")).toMatchObject({ status: "completed" });
    expect(
      next
        .filter((e) => e.type === "text-delta")
        .map((e) => e.text)
        .join(""),
    ).toBe("Echo: are you there?");
  });
}

test("row 18: a stream that hangs half-way is stopped by Stop at once, and the session carries on", async () => {
  test.setTimeout(90_000);
  const pid = serverPid(sec.app);
  const id = await createSession(sec.api, "hang");
  const sent = await sec.api.post(`/api/sessions/${id}/messages`, {
    text: `${HANG_MID_STREAM} tell me more`,
  });
  expect(sent.status).toBe(202);
  const live = await readEvents(sec.url, id, {
    timeoutMs: 20_000,
    until: (events) =>
      events
        .filter((e) => e.type === "text-delta")
        .map((e) => e.text)
        .join("")
        .includes("before the hang"),
  });
  expect(
    live
      .filter((e) => e.type === "text-delta")
      .map((e) => e.text)
      .join(""),
  ).toContain("partial answer");
  // still hanging a few seconds later, with nothing else happening
  await sleep(3000);
  expect((await sec.api.get<{ status: string }>(`/api/sessions/${id}`)).json.status).toBe("running");
  const t0 = performance.now();
  const cancelled = await sec.api.post<{ cancelled: boolean }>(`/api/sessions/${id}/cancel`);
  const cancelMs = performance.now() - t0;
  expect(cancelled.json).toEqual({ cancelled: true });
  expect(cancelMs).toBeLessThan(2000);
  const events = await lastTurn(id);
  expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "cancelled" });
  expect((await sec.api.get<{ status: string }>(`/api/sessions/${id}`)).json.status).toBe("idle");
  // the partial answer is kept in the transcript
  const session = await sec.api.get<{ messages: Array<{ parts: Array<{ type: string; text?: string }> }> }>(
    `/api/sessions/${id}`,
  );
  expect(JSON.stringify(session.json.messages)).toContain("partial answer before the hang");
  await runTurn(sec.api, id, "again");
  expect((await lastTurn(id)).find((e) => e.type === "turn-end")).toMatchObject({ status: "completed" });
  expect(isAlive(pid)).toBe(true);
  test
    .info()
    .annotations.push({ type: "figures", description: JSON.stringify({ cancelMs: Math.round(cancelMs) }) });
});

test("row 18: none of the faults left an unhandled error in the server log", async () => {
  const log = sec.app.output();
  expect(log).not.toMatch(/turn crashed|unhandled|uncaught|database is locked/i);
  expect((await sec.api.get("/api/health")).status).toBe(200);
});
