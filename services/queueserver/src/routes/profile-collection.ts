/**
 * Routes: the profile collection, the git checkout of the startup code (spec §10.3, [FORK]). Bound
 * by operationId in app.ts (http/profile-collection-routes.ts); the git work is profile-collection/.
 */

/**
 * @openapi
 * components:
 *   schemas:
 *     ProfileStatus:
 *       type: object
 *       properties:
 *         profile_dir: { type: string, description: 'The checkout (absolute path on the server)' }
 *         commit: { type: string, description: 'HEAD commit (40 hex digits)' }
 *         branch: { type: [string, 'null'], description: 'The branch checked out; null when HEAD is detached' }
 *         is_dirty: { type: boolean, description: 'Staged, unstaged or untracked changes' }
 *         ahead: { type: [integer, 'null'], description: 'Commits the upstream lacks (as last fetched); null without an upstream' }
 *         behind: { type: [integer, 'null'], description: 'Upstream commits not yet here (as last fetched); null without an upstream' }
 *       required: [profile_dir, commit, branch, is_dirty, ahead, behind]
 *     ProfilePull:
 *       type: object
 *       properties:
 *         commit_before: { type: string }
 *         commit_after: { type: string, description: 'Equal to commit_before when there was nothing to pull' }
 *         files_changed: { type: array, items: { type: string }, description: 'Paths from the top of the checkout' }
 *         pixi_toml_changed: { type: boolean }
 *       required: [commit_before, commit_after, files_changed, pixi_toml_changed]
 *     ProfileReload:
 *       type: object
 *       properties:
 *         pull: { $ref: '#/components/schemas/ProfilePull' }
 *         environment_recycled: { type: boolean, description: 'False when no environment was open (opening one loads the pulled code)' }
 *       required: [pull, environment_recycled]
 *
 * /api/profile_collection/status:
 *   get:
 *     operationId: profile_collection_status_handler_api_profile_collection_status_get
 *     summary: "The profile collection's checkout: commit, branch, uncommitted changes, commits ahead of and behind its upstream."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:status'] }]
 *     responses:
 *       '200': { description: 'The checkout as it is (nothing is fetched)', content: { application/json: { schema: { $ref: '#/components/schemas/ProfileStatus' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'The checkout has no commit yet', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: 'No profile collection: QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR unset (and the startup directory not in a checkout), not a directory or not a git checkout, or git not installed', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *
 * /api/profile_collection/pull:
 *   post:
 *     operationId: profile_collection_pull_handler_api_profile_collection_pull_post
 *     summary: 'Fast-forwards the profile collection from its upstream (git fetch, then git merge --ff-only).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:control'] }]
 *     responses:
 *       '200': { description: 'The commits before and after, and the files the pull changed', content: { application/json: { schema: { $ref: '#/components/schemas/ProfilePull' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Uncommitted changes, a detached HEAD, no upstream, diverged branches, or a pull already in progress: resolved on the host', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'git failed otherwise', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: 'No profile collection (as for the status)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'git fetch failed (the remote cannot be reached or refuses)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'git fetch did not finish in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *
 * /api/profile_collection/reload:
 *   post:
 *     operationId: profile_collection_reload_handler_api_profile_collection_reload_post
 *     summary: 'Pulls the profile collection, then closes and reopens the environment if one is open, so the worker loads the pulled code.'
 *     description: >-
 *       Each step is waited for: the answer comes once the environment is open again. The device
 *       registry is not touched. 409 as the pull refuses, when the manager will not close the
 *       environment (the queue is running, the environment is locked), or when pixi.toml changed
 *       while an environment is open (a restart of the service is needed); 500 when the
 *       environment closed but did not open again (it is then closed). A locked environment needs
 *       its key (`lock_key` in the optional body).
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { type: object, properties: { lock_key: { type: [string, 'null'], description: 'The lock key, when the environment is locked' } }, additionalProperties: false } } } }
 *     responses:
 *       '200': { description: 'The pull, and whether an open environment was recycled', content: { application/json: { schema: { $ref: '#/components/schemas/ProfileReload' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'The pull or the recycle was refused (the pull may have been applied: the detail says)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '500': { description: 'git failed, or the environment did not open again', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: 'No profile collection (as for the status)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'git fetch failed', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '504': { description: 'git fetch, or the environment close or open, did not finish in time', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
