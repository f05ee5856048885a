/**
 * Who holds which scopes (spec §10.2 "access policies"): the reference's BasicAPIAccessControl
 * (the two unauthenticated users) and DictionaryAPIAccessControl (plus users from config).
 */

import { DEFAULT_USER_ROLES, ROLES } from './scopes.ts';

type ScopeList = string | string[] | null | undefined;

/** How config changes a role's scopes, applied in the order set, add, remove; `null` = no access. */
export type RoleChange = { scopes_set?: ScopeList; scopes_add?: ScopeList; scopes_remove?: ScopeList } | null;

/** A user from config (`api_access.args.users`). */
export interface UserInfo {
  roles?: string | string[] | null;
  displayed_name?: string | null;
  email?: string | null;
}

export interface AccessControlOptions {
  roles?: Record<string, RoleChange> | null;
  users?: Record<string, UserInfo | null> | null;
}

/** Maps user names to roles, scopes and the name the queue records as the item's `user`. */
export class ApiAccessControl {
  readonly #roles = new Map<string, Set<string>>();
  readonly #users = new Map<string, UserInfo>();

  constructor(options: AccessControlOptions = {}) {
    for (const [role, scopes] of Object.entries(ROLES)) this.#roles.set(role, new Set(scopes));
    for (const [role, change] of Object.entries(options.roles ?? {})) this.#changeRole(role, change);
    for (const [name, role] of Object.entries(DEFAULT_USER_ROLES)) this.#users.set(name, { roles: role });
    for (const [name, info] of Object.entries(options.users ?? {})) {
      const roles = info?.roles ?? [];
      this.#users.set(name, {
        ...info,
        roles: typeof roles === 'string' ? roles.toLowerCase() : roles.map((r) => r.toLowerCase()),
      });
    }
  }

  /** Whether the policy knows the user (an unknown user may not log in). */
  isUserKnown(username: string): boolean {
    return this.#users.has(username);
  }

  /** The user's roles, sorted; none for an unknown user. */
  userRoles(username: string): string[] {
    const roles = this.#users.get(username)?.roles ?? [];
    return (typeof roles === 'string' ? [roles] : [...new Set(roles)]).sort();
  }

  /** The union of the scopes of the user's roles, sorted; none for an unknown user or role. */
  userScopes(username: string): string[] {
    const scopes = new Set<string>();
    for (const role of this.userRoles(username)) for (const s of this.#roles.get(role) ?? []) scopes.add(s);
    return [...scopes].sort();
  }

  /** `jdoe`, `jdoe <email>`, `jdoe "Name"` or `jdoe "Name <email>"`, as the reference formats it. */
  displayedUserName(username: string): string {
    const { displayed_name: name, email } = this.#users.get(username) ?? {};
    if (!name && !email) return username;
    if (!name) return `${username} <${email}>`;
    if (!email) return `${username} "${name}"`;
    return `${username} "${name} <${email}>"`;
  }

  #changeRole(role: string, change: RoleChange): void {
    const scopes = this.#roles.get(role) ?? new Set<string>();
    this.#roles.set(role, scopes);
    const ops = change ?? { scopes_set: [] };
    if ('scopes_set' in ops) {
      scopes.clear();
      for (const s of scopeList(ops.scopes_set)) scopes.add(s);
    }
    if ('scopes_add' in ops) for (const s of scopeList(ops.scopes_add)) scopes.add(s);
    if ('scopes_remove' in ops) for (const s of scopeList(ops.scopes_remove)) scopes.delete(s);
  }
}

function scopeList(scopes: ScopeList): string[] {
  if (!scopes) return [];
  return (typeof scopes === 'string' ? [scopes] : scopes).map((s) => s.toLowerCase());
}
