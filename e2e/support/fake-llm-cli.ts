/**
 * Run the fake model server as its own process:
 *   node_modules/.bin/tsx e2e/support/fake-llm-cli.ts --port 4010 [--host 127.0.0.1]
 */
import { parseArgs } from "node:util";
import { startFakeLLM } from "./fake-llm";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
  },
});

const port = Number.parseInt(values.port, 10);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`fake-llm: invalid --port ${values.port}`);
  process.exit(2);
}

const llm = await startFakeLLM({ port, host: values.host });
console.log(`fake-llm listening on ${llm.url}`);

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  await llm.close();
  console.log(`fake-llm stopped (${signal})`);
}

process.once("SIGTERM", (signal) => void shutdown(signal));
process.once("SIGINT", (signal) => void shutdown(signal));
