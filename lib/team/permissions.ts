import { type Role, roleAllows } from "./roles";

/**
 * Who may change what: every protected action with the least role allowed to do it. The API's
 * route() looks a route's action up here; a mutating route without an action is refused to
 * everyone (lib/api/handler.ts), and lib/team/permissions.test.ts calls every route as every role.
 *
 * The rule of thumb: what reaches every user's prompt or every session (working memory, learnings,
 * skills, tools, the opportunities board a battery change acts on, battery changes themselves)
 * needs an approver; what configures the install or its people needs an admin; running and steering
 * sessions needs a member.
 */
interface Permission {
  role: Role;
  /** What the action does, as a noun phrase for the 403 message and the docs: "changing X". */
  does: string;
}

export const PERMISSIONS = {
  "auth.logout": { role: "viewer", does: "signing out" },

  "session.create": { role: "member", does: "opening a session" },
  "session.update": {
    role: "member",
    does: "renaming a session, changing its budget or pinning its model tier",
  },
  "session.message": { role: "member", does: "sending a message to the agent" },
  "session.cancel": { role: "member", does: "stopping a turn" },
  "session.end": { role: "member", does: "ending a session" },
  "session.reflect": { role: "member", does: "asking for a session's reflection" },
  "session.resume": { role: "member", does: "resuming an ended session" },
  "session.fork": { role: "member", does: "forking a session from one of its messages" },
  "session.delete": { role: "member", does: "deleting a session and everything it holds" },
  "workspace.browse": { role: "member", does: "browsing the folders inside the workspace roots" },
  "workspace.newFolder": { role: "member", does: "creating a folder inside a workspace root" },
  "session.revert": { role: "member", does: "putting a session's files back as they were before a turn" },
  "session.syncBranch": {
    role: "member",
    does: "bringing a worktree session's branch back to the repository it was made from",
  },
  "session.answerAsk": { role: "member", does: "answering a tool call's permission ask" },
  "session.mcpPrompt": {
    role: "member",
    does: "loading an MCP prompt into the composer (it starts the session's MCP server)",
  },

  "workingMemory.update": { role: "approver", does: "changing the working memory" },
  "learningEvent.create": { role: "approver", does: "recording a learning" },
  "learningEvent.update": { role: "approver", does: "editing a learning" },
  "learningEvent.delete": { role: "approver", does: "deleting a learning" },
  "opportunity.create": { role: "approver", does: "adding an opportunity" },
  "opportunity.update": { role: "approver", does: "changing an opportunity" },
  "opportunity.delete": { role: "approver", does: "deleting an opportunity" },
  "opportunity.import": { role: "approver", does: "importing opportunities" },
  "maintenance.start": { role: "approver", does: "starting a battery change" },
  "maintenance.resume": { role: "approver", does: "resuming a battery change" },
  "maintenance.snooze": { role: "approver", does: "snoozing the battery change" },
  "skill.save": { role: "approver", does: "saving a skill" },
  "skill.delete": { role: "approver", does: "deleting a skill" },
  "skill.rename": { role: "approver", does: "renaming a skill" },
  "skill.restore": { role: "approver", does: "restoring a skill version" },
  "tool.approve": { role: "approver", does: "approving a tool" },
  "tool.reject": { role: "approver", does: "rejecting a tool" },
  "tool.retire": { role: "approver", does: "retiring a tool" },
  "tool.rollback": { role: "approver", does: "rolling a tool back" },
  "tool.sync": { role: "approver", does: "syncing the tools folder" },
  "mcpServer.create": { role: "approver", does: "adding an MCP server" },
  "mcpServer.update": { role: "approver", does: "changing an MCP server" },
  "mcpServer.delete": { role: "approver", does: "removing an MCP server" },
  "mcpServer.approve": { role: "approver", does: "approving an MCP server's tools" },
  "audit.read": { role: "approver", does: "reading the audit log" },
  "permissionRules.edit": { role: "approver", does: "changing the permission rules" },
  "replayCase.update": { role: "approver", does: "including or excluding a replay case" },
  "evaluation.start": { role: "approver", does: "starting an evaluation" },
  "evaluation.cancel": { role: "approver", does: "cancelling an evaluation" },

  "settings.update": { role: "admin", does: "changing settings" },
  "settings.test": { role: "admin", does: "testing the model connection" },
  "workspaceRoots.update": { role: "admin", does: "changing the workspace roots" },
  "user.list": { role: "admin", does: "listing users" },
  "user.create": { role: "admin", does: "adding a user" },
  "user.update": { role: "admin", does: "changing or disabling a user" },
  "user.token": { role: "admin", does: "issuing a user a new token" },
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function isAction(value: unknown): value is Action {
  return typeof value === "string" && Object.hasOwn(PERMISSIONS, value);
}

export function roleFor(action: Action): Role {
  return PERMISSIONS[action].role;
}

export function may(role: Role, action: Action): boolean {
  return roleAllows(role, roleFor(action));
}

/** The 403 message: what was refused, the role it needs and the caller's role. */
export function refusal(action: Action, who: { name: string; role: Role }): string {
  const { does, role } = PERMISSIONS[action];
  return `Not allowed: ${does} needs the ${role} role; ${who.name} is a ${who.role}.`;
}
