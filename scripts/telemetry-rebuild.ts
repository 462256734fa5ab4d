// Computes every stored telemetry day again from the tool calls (lib/telemetry/rollup-cache.ts, all-time.ts): after
// calls were written with past timestamps (an import, a seeding script), or to check the stored figures.
//   npm run telemetry:rebuild                 (the database DATABASE_URL names, as npm start does)
import { env } from "../lib/env";
import { rebuildTelemetryRollups } from "../lib/telemetry/all-time";

const started = performance.now();
const days = await rebuildTelemetryRollups();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `[ratchet] telemetry: ${days} day(s) with calls rebuilt from ${env().databaseProvider} in ${seconds} s`,
);
process.exit(0);
