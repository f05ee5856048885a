/**
 * Routes: The environment's devices against the configuration service's registry (spec §3.11,
 * §12). Bound by operationId in app.ts (http/registry-routes.ts): each relays to its manager method
 * and answers a refusal with 409, an unreachable registry with 503.
 */

/**
 * @openapi
 * /api/devices/diff_against_profile:
 *   get:
 *     operationId: devices_diff_against_profile_api_devices_diff_against_profile_get
 *     summary: "The running environment's devices against the registry: added, removed, modified, disabled."
 *     description: >-
 *       Reads every instantiation spec of the registry and compares it with the devices the open
 *       environment describes (its EPICS devices). Changes nothing. 409 when the configuration
 *       service is off or no environment is open; 503 when the registry cannot be reached.
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:status'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: 'The diff', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceDiffResponse' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'The configuration service is off, or no environment is open', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '503': { description: 'The registry cannot be reached', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/devices/sync_from_profile:
 *   post:
 *     operationId: devices_sync_from_profile_api_devices_sync_from_profile_post
 *     summary: "Writes the running environment's devices to the registry, as much of the diff as the strategy picks."
 *     description: >-
 *       `all` (the default) registers the added and modified devices and deletes the removed ones;
 *       `additions_only` registers only the added; `selected` does what `all` would for the devices
 *       named in `devices` (and re-enables a named disabled device the environment has). Disabled
 *       devices are otherwise left alone. Answers what was written and the diff afterwards. 409 for
 *       an unknown strategy, `selected` without devices, a refused write, the configuration service
 *       off or no environment open; 503 when the registry cannot be reached.
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/DeviceSyncRequest' } } } }
 *     responses:
 *       '200': { description: 'What was written, and the diff afterwards', content: { application/json: { schema: { $ref: '#/components/schemas/DeviceSyncResponse' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '409': { description: 'Refused: see the detail', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'A strategy that is not a string, or device names that are not strings', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 *       '503': { description: 'The registry cannot be reached', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
