import { readSetting, writeSettings } from "@/lib/db/queries/settings";
import {
  DEFAULT_NETWORK_POLICY,
  type NetworkPolicy,
  networkPolicySchema,
  setNetworkPolicy,
} from "@/lib/sandbox";

const KEY = "sandbox.network";

export async function readNetworkPolicy(): Promise<NetworkPolicy> {
  return (await readSetting(KEY, networkPolicySchema)) ?? DEFAULT_NETWORK_POLICY;
}

/** Saves the policy and applies it to the running sandbox at once. */
export async function saveNetworkPolicy(policy: NetworkPolicy): Promise<void> {
  await writeSettings({ [KEY]: policy });
  setNetworkPolicy(policy);
}
