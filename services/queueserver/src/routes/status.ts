/**
 * Routes: Status and configuration. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/:
 *   get:
 *     operationId: ping_handler_api__get
 *     summary: 'The manager status (as ping).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:status'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/ping:
 *   get:
 *     operationId: ping_handler_api_ping_get
 *     summary: 'The manager status.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:status'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/status:
 *   get:
 *     operationId: status_handler_api_status_get
 *     summary: 'The manager status (spec §4).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:status'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/config/get:
 *   get:
 *     operationId: queue_config_get_api_config_get_get
 *     summary: 'The manager configuration.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:config'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
