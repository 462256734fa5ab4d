/** Server-side telemetry: recording, rollups, the page's overview and the prompt summary. */

export { rebuildTelemetryRollups } from "./all-time";
export { telemetryOverview, toolStats, toolStatsBetween, UNUSED_AFTER_SESSIONS } from "./overview";
export { telemetrySummaryForPrompt } from "./prompt-summary";
export { flushTelemetry, recordModelStep, recordToolCall } from "./recorder";
export { resetTelemetryCache, rollupWrites, warmTelemetry } from "./rollup-cache";
