/**
 * What the team routes answer (app/api/users/**, app/api/audit). The types are the contract the
 * browser reads: components import them with `import type`, so a change here breaks their build.
 */
import "server-only";
import type { Actor } from "./actor";
import type { AuditEntry } from "./audit";
import { ROLE_RIGHTS } from "./roles";
import type { UserView } from "./users";

export type { Role } from "./roles";
export type { AuditEntry, UserView };

/** GET /api/users. */
export interface UserList {
  users: UserView[];
}

/** POST /api/users and POST /api/users/:id/token: the token is in this answer only. */
export interface UserWithToken {
  user: UserView;
  token: string;
}

/** PATCH /api/users/:id. */
export interface UserUpdated {
  user: UserView;
}

/** GET /api/audit: newest first; `next` is the `before` of the following page, null at the end. */
export interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

/** GET /api/users/me: who the caller is, with their role and what it allows. */
export function meView(actor: Actor) {
  return {
    kind: actor.kind,
    id: actor.id,
    name: actor.name,
    role: actor.role,
    rights: ROLE_RIGHTS[actor.role],
  };
}
export type Me = ReturnType<typeof meView>;
