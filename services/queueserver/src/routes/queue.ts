/**
 * Routes: The queue as a whole: get, clear, start, stop, mode, autostart. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/queue/autostart:
 *   post:
 *     operationId: queue_autostart_handler_api_queue_autostart_post
 *     summary: 'Turns autostart on or off.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/mode/set:
 *   post:
 *     operationId: queue_mode_set_handler_api_queue_mode_set_post
 *     summary: 'Sets the queue mode (`mode`, or the body itself as the mode).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/get:
 *   get:
 *     operationId: queue_get_handler_api_queue_get_get
 *     summary: 'The queue and the running item.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:queue'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/clear:
 *   post:
 *     operationId: queue_clear_handler_api_queue_clear_post
 *     summary: 'Removes every queued item.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/start:
 *   post:
 *     operationId: queue_start_handler_api_queue_start_post
 *     summary: 'Starts the queue.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/stop:
 *   post:
 *     operationId: queue_stop_api_queue_stop_post
 *     summary: 'Stops the queue after the running plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/stop/cancel:
 *   post:
 *     operationId: queue_stop_cancel_api_queue_stop_cancel_post
 *     summary: 'Cancels a pending queue stop.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
