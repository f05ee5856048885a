/**
 * Routes: The worker environment. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/environment/open:
 *   post:
 *     operationId: environment_open_handler_api_environment_open_post
 *     summary: 'Opens the worker environment.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/environment/close:
 *   post:
 *     operationId: environment_close_handler_api_environment_close_post
 *     summary: 'Closes the worker environment.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/environment/destroy:
 *   post:
 *     operationId: environment_destroy_handler_api_environment_destroy_post
 *     summary: 'Kills the worker, whatever it is doing.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:manager:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/environment/update:
 *   post:
 *     operationId: environment_update_handler_api_environment_update_post
 *     summary: 'Re-reads the worker namespace.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
