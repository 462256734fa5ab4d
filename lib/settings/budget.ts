import { z } from "zod";
import { readSetting } from "@/lib/db/queries/settings";

/** The budget a new session starts with (USD), or none; editable in Settings. */
export async function loadDefaultBudget(): Promise<number | null> {
  return (await readSetting("defaultBudgetUsd", z.number().nullable())) ?? null;
}
