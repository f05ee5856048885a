/**
 * Routes: authentication (spec §10.2, §10.3) under /api/auth; handlers in http/auth-routes.ts.
 */

/**
 * @openapi
 * /api/auth/principal:
 *   get:
 *     operationId: principal_list_api_auth_principal_get
 *     summary: "Every principal (users and services) with its keys and sessions."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['admin:read:principals'] }]
 *     responses:
 *       '200': { description: "The principals", content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Principal' } } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/principal/{uuid}:
 *   get:
 *     operationId: principal_api_auth_principal__uuid__get
 *     summary: "One principal."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['admin:read:principals'] }]
 *     parameters:
 *       - { in: path, name: uuid, required: true, schema: { type: string } }
 *     responses:
 *       '200': { description: "The principal", content: { application/json: { schema: { $ref: '#/components/schemas/Principal' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: "No such principal", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/principal/{uuid}/apikey:
 *   post:
 *     operationId: apikey_for_principal_api_auth_principal__uuid__apikey_post
 *     summary: "Mints an API key for a principal."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['admin:apikeys'] }]
 *     parameters:
 *       - { in: path, name: uuid, required: true, schema: { type: string } }
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/ApiKeyRequest' } } } }
 *     responses:
 *       '200': { description: "The key, with its secret", content: { application/json: { schema: { $ref: '#/components/schemas/ApiKey' } } } }
 *       '400': { description: "Scopes beyond the principal's", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: "No such principal", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/session/refresh:
 *   post:
 *     operationId: refresh_session_api_auth_session_refresh_post
 *     summary: "New tokens for a live session."
 *     security: []
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/RefreshToken' } } } }
 *     responses:
 *       '200': { description: "The tokens", content: { application/json: { schema: { $ref: '#/components/schemas/Tokens' } } } }
 *       '401': { description: "Session has expired. Please re-authenticate.", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: "Single-user mode keeps no sessions", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/session/revoke/{session_id}:
 *   delete:
 *     operationId: revoke_session_api_auth_session_revoke__session_id__delete
 *     summary: "Revokes one of the caller's sessions."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: [] }]
 *     parameters:
 *       - { in: path, name: session_id, required: true, schema: { type: string } }
 *     responses:
 *       '200': { description: "Revoked", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: "No such session of the caller", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: "Single-user mode keeps no sessions", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/apikey:
 *   post:
 *     operationId: new_apikey_api_auth_apikey_post
 *     summary: "Mints an API key for the caller."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['user:apikeys'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/ApiKeyRequest' } } } }
 *     responses:
 *       '200': { description: "The key, with its secret", content: { application/json: { schema: { $ref: '#/components/schemas/ApiKey' } } } }
 *       '400': { description: "Scopes beyond the caller's", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '501': { description: "Single-user mode mints no keys", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/apikey:
 *   get:
 *     operationId: current_apikey_info_api_auth_apikey_get
 *     summary: "The minted API key this request carries."
 *     security: []
 *     responses:
 *       '200': { description: "The key", content: { application/json: { schema: { $ref: '#/components/schemas/ApiKey' } } } }
 *       '401': { description: "No API key, or not a minted one", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/apikey:
 *   delete:
 *     operationId: revoke_apikey_api_auth_apikey_delete
 *     summary: "Revokes one of the caller's API keys."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['user:apikeys'] }]
 *     parameters:
 *       - { in: query, name: first_eight, required: true, schema: { type: string } }
 *     responses:
 *       '200': { description: "Revoked", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: "The caller has no such key", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/whoami:
 *   get:
 *     operationId: whoami_api_auth_whoami_get
 *     summary: "The caller (null without credentials)."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: [] }]
 *     responses:
 *       '200': { description: "The caller", content: { application/json: { schema: { oneOf: [{ $ref: '#/components/schemas/Principal' }, { type: 'null' }] } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/scopes:
 *   get:
 *     operationId: scopes_api_auth_scopes_get
 *     summary: "The caller's roles and scopes."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: [] }]
 *     responses:
 *       '200': { description: "Roles and scopes", content: { application/json: { schema: { $ref: '#/components/schemas/AllowedScopes' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/logout:
 *   post:
 *     operationId: logout_api_auth_logout_post
 *     summary: "Clears the API-key and CSRF cookies."
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: [] }]
 *     responses:
 *       '200': { description: "Done", content: { application/json: { schema: { type: object } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/auth/provider/{provider}/token:
 *   post:
 *     operationId: handle_credentials_api_auth_provider__provider__token_post
 *     summary: "Logs in with a username and password (form fields) at a configured provider."
 *     security: []
 *     parameters:
 *       - { in: path, name: provider, required: true, schema: { type: string } }
 *     requestBody: { required: false, content: { application/x-www-form-urlencoded: { schema: { type: object, properties: { username: { type: string }, password: { type: string } }, required: [username, password] } } } }
 *     responses:
 *       '200': { description: "The tokens", content: { application/json: { schema: { $ref: '#/components/schemas/Tokens' } } } }
 *       '401': { description: "Incorrect username or password", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: "No such provider", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: "A form field is missing", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export {};
