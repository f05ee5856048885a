/**
 * Routes: Console output. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/stream_console_output:
 *   get:
 *     operationId: stream_console_output_api_stream_console_output_get
 *     summary: 'Console output as it comes: JSON objects back to back.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:console'] }]
 *     responses:
 *       '200': { description: "Never-ending text of JSON objects", content: { text/plain: { schema: { type: string } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/console_output:
 *   get:
 *     operationId: console_output_api_console_output_get
 *     summary: 'The last `nlines` lines of console text.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:console'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/console_output/uid:
 *   get:
 *     operationId: console_output_uid_api_console_output_uid_get
 *     summary: 'The uid of the console text.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:console'] }]
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/console_output_update:
 *   get:
 *     operationId: console_output_update_api_console_output_update_get
 *     summary: 'Console messages after `last_msg_uid`.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:console'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
