/**
 * Routes: The manager itself, and the test hooks. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/manager/stop:
 *   post:
 *     operationId: manager_stop_handler_api_manager_stop_post
 *     summary: 'Stops the queue server.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:stop'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/test/manager/kill:
 *   post:
 *     operationId: test_manager_kill_handler_api_test_manager_kill_post
 *     summary: 'Freezes the manager (a test hook).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:testing'] }]
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/test/server/sleep:
 *   get:
 *     operationId: test_server_sleep_handler_api_test_server_sleep_get
 *     summary: 'Answers after `time` seconds without blocking anything.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:testing'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
