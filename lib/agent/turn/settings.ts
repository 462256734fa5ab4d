import { readSettings, type SettingsSnapshot } from "@/lib/db/queries/settings";
import { FRICTION_SETTINGS_KEY } from "@/lib/learning/friction-monitor";
import { MAINTENANCE_SETTINGS_KEY } from "@/lib/learning/maintenance/pass";
import { ENDPOINT_FIGURES_KEY, PRICES_KEY } from "@/lib/model/prices";
import { MODEL_SETTINGS_KEY } from "@/lib/settings/model-config";
import { ROOTS_SETTING } from "@/lib/workspaces/policy";

/**
 * Every setting a turn start reads: the model, the workspace roots (checked before anything runs),
 * the friction thresholds, prices and endpoint figures, and a maintenance turn's step limit. Three
 * statements at 1-3 ms of CPU each became one (docs/benchmarks.md §18).
 *
 * Not a cache: the snapshot is read when the message comes in and belongs to that one turn, so a
 * change saved in Settings on any instance applies from the next turn on, as before. Settings a
 * command reads when it runs (sandbox, network policy, permissions) are not in it and stay read there.
 */
const TURN_SETTINGS = [
  MODEL_SETTINGS_KEY,
  ROOTS_SETTING,
  FRICTION_SETTINGS_KEY,
  PRICES_KEY,
  ENDPOINT_FIGURES_KEY,
  MAINTENANCE_SETTINGS_KEY,
] as const;

export function readTurnSettings(): Promise<SettingsSnapshot> {
  return readSettings(TURN_SETTINGS);
}
