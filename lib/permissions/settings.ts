import { readSetting, writeSettings } from "@/lib/db/queries/settings";
import { DEFAULT_PERMISSIONS, type PermissionSettings, permissionSettingsSchema } from "./rules";

/** The rules live in the Setting table under this key; never saved means the defaults. */
const KEY = "permissions";

/** Read at every tool call, so a change in Settings applies to the next call of a running turn. */
export async function loadPermissions(): Promise<PermissionSettings> {
  return (await readSetting(KEY, permissionSettingsSchema)) ?? DEFAULT_PERMISSIONS;
}

export async function savePermissions(settings: PermissionSettings): Promise<PermissionSettings> {
  const valid = permissionSettingsSchema.parse(settings);
  await writeSettings({ [KEY]: valid });
  return valid;
}
