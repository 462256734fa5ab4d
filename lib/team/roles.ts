/**
 * Team roles, from most to least privileged. Each role has the rights of the ones below it:
 * an admin can approve, an approver can run sessions, a member can read. Which role each
 * change needs is the permissions table (lib/team/permissions.ts).
 */
export const ROLES = ["admin", "approver", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { admin: 3, approver: 2, member: 1, viewer: 0 };

/** What each role adds, in short, for the team page (the full list: lib/team/permissions.ts). */
export const ROLE_RIGHTS: Record<Role, string> = {
  admin: "change settings and manage users",
  approver:
    "approve tools, edit skills and change what reaches every prompt (working memory, learnings, the board)",
  member: "run sessions",
  viewer: "read only",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` includes every right of `required`. */
export function roleAllows(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}
