/**
 * The HTTP API's scopes and the default roles that grant them (spec §10.2, the reference's
 * BasicAPIAccessControl defaults). Routes name the scope they need; roles name what a user holds.
 */

const READ_SCOPES = [
  'read:status',
  'read:queue',
  'read:history',
  'read:resources',
  'read:config',
  'read:monitor',
  'read:console',
  'read:lock',
  'read:testing',
] as const;

/** The write scopes every role that may run the queue holds (advanced, user, expert, single user). */
const OPERATE_SCOPES = [
  'write:queue:edit',
  'write:queue:control',
  'write:manager:control',
  'write:plan:control',
  'write:execute',
  'write:history:edit',
] as const;

const EXPERT_WRITE_SCOPES = ['write:permissions', 'write:scripts', 'write:config', 'write:lock'] as const;

const ADMIN_SCOPES = ['admin:apikeys', 'admin:read:principals', 'admin:metrics'] as const;

/** Every scope the server knows, in the order the spec lists them. */
export const ALL_SCOPES: readonly string[] = [
  ...READ_SCOPES,
  ...OPERATE_SCOPES,
  ...EXPERT_WRITE_SCOPES,
  'write:manager:stop',
  'write:testing',
  'user:apikeys',
  ...ADMIN_SCOPES,
];

/** The user name of whoever presents the single-user API key. */
export const UNAUTHENTICATED_SINGLE_USER = 'UNAUTHENTICATED_SINGLE_USER';
/** The user name of a request without credentials (anonymous access). */
export const UNAUTHENTICATED_PUBLIC = 'UNAUTHENTICATED_PUBLIC';
/** The identity provider of the two unauthenticated users. */
export const ANONYMOUS_PROVIDER = '__anonymous__';

export const ROLE_SINGLE_USER = 'unauthenticated_single_user';
export const ROLE_PUBLIC = 'unauthenticated_public';

/** The default roles and their scopes (roles can be amended in config with scopes_set/add/remove). */
export const ROLES: Readonly<Record<string, readonly string[]>> = {
  admin: ['read:status', 'user:apikeys', ...ADMIN_SCOPES],
  expert: [...READ_SCOPES, ...OPERATE_SCOPES, ...EXPERT_WRITE_SCOPES, 'user:apikeys'],
  advanced: [...READ_SCOPES, ...OPERATE_SCOPES, 'user:apikeys'],
  user: [...READ_SCOPES, ...OPERATE_SCOPES, 'user:apikeys'],
  observer: [...READ_SCOPES, 'user:apikeys'],
  [ROLE_SINGLE_USER]: [
    ...READ_SCOPES,
    ...OPERATE_SCOPES,
    ...EXPERT_WRITE_SCOPES,
    'write:manager:stop',
    'write:testing',
    'user:apikeys',
  ],
  [ROLE_PUBLIC]: ['read:status'],
};

/** The roles of the two built-in users (every access policy knows them). */
export const DEFAULT_USER_ROLES: Readonly<Record<string, string>> = {
  [UNAUTHENTICATED_SINGLE_USER]: ROLE_SINGLE_USER,
  [UNAUTHENTICATED_PUBLIC]: ROLE_PUBLIC,
};
