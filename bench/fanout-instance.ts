/**
 * One side of the fan-out benchmark, run as its own process (an app instance's event code, without
 * the HTTP server). Talks to bench/fanout-latency.ts through JSON lines on stdin/stdout.
 *   writer            creates a session, prints {"session"}, then on "go <n> <gapMs> <burst>" appends
 *                     n notice events, each carrying its index and the epoch time taken just before
 *                     appendEvent, and prints {"local": [ms by index]}: until appendEvent resolved
 *                     (written, published to this instance's viewers, NOTIFY sent).
 *   reader <id> <n>   subscribes to the session, listens (LISTEN/NOTIFY), opens its database
 *                     connection, prints {"ready"}, and once it has seen n events prints
 *                     {"remote": [ms by index]}: publish on this instance − the writer's time.
 */
import { createInterface } from "node:readline";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { subscribe } from "@/lib/events/bus";
import { listenForEvents, stopListening } from "@/lib/events/fanout";
import { appendEvent } from "@/lib/events/log";

const epochNow = () => performance.timeOrigin + performance.now();
const send = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function writer(): Promise<void> {
  const session = await createSession({
    title: "fan-out bench",
    workspace: "/tmp",
    budgetUsd: null,
    model: "bench",
  });
  send({ session: session.id });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, n = "0", gap = "0", burst = "1"] = line.trim().split(" ");
    if (command !== "go") continue;
    const local: number[] = new Array(Number(n)).fill(Number.NaN);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < Number(n); i++) {
      const sentAt = epochNow();
      pending.push(
        appendEvent(session.id, {
          type: "notice",
          level: "info",
          message: JSON.stringify({ i, sentAt }),
        }).then(() => {
          local[i] = epochNow() - sentAt;
        }),
      );
      if ((i + 1) % Number(burst) === 0) {
        await Promise.all(pending.splice(0));
        await sleep(Number(gap));
      }
    }
    await Promise.all(pending);
    send({ local });
  }
}

async function reader(sessionId: string, expected: number): Promise<void> {
  const remote: number[] = new Array(expected).fill(Number.NaN);
  let seen = 0;
  await new Promise<void>((resolve) => {
    subscribe(sessionId, (event) => {
      if (event.type !== "notice") return;
      const { i, sentAt } = JSON.parse(event.message) as { i: number; sentAt: number };
      remote[i] = epochNow() - sentAt;
      if (++seen === expected) resolve();
    });
    // a running instance has its connections open: open them before the clock starts
    void Promise.all([listenForEvents(), listEventsAfter(sessionId, 2_000_000_000, 1)]).then(() =>
      send({ ready: true }),
    );
  });
  send({ remote });
  await stopListening();
}

const [role, sessionId = "", expected = "0"] = process.argv.slice(2);
if (role === "writer") await writer();
else if (role === "reader") await reader(sessionId, Number(expected));
else throw new Error("usage: fanout-instance.ts writer | reader <session> <n>");
process.exit(0);
