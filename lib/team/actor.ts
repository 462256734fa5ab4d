import type { Role } from "./roles";

/**
 * Who makes a request: the owner (the holder of the install's access token, with every right)
 * or a team member with their own token and role.
 */
export interface Actor {
  kind: "owner" | "user";
  /** The user's id; null for the owner. */
  id: string | null;
  /** Shown in the audit log: the user's name, or "owner". */
  name: string;
  role: Role;
}

export const OWNER_NAME = "owner";

export const OWNER: Actor = Object.freeze({ kind: "owner", id: null, name: OWNER_NAME, role: "admin" });
