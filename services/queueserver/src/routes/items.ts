/**
 * Routes: Queue items: add, batch add, execute, update, remove, move, get. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/queue/item/add:
 *   post:
 *     operationId: queue_item_add_handler_api_queue_item_add_post
 *     summary: 'Adds an item to the queue.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/execute:
 *   post:
 *     operationId: queue_item_execute_handler_api_queue_item_execute_post
 *     summary: 'Runs an item now, outside the queue.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:execute'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/add/batch:
 *   post:
 *     operationId: queue_item_add_batch_handler_api_queue_item_add_batch_post
 *     summary: 'Adds a batch of items, all or none.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/update:
 *   post:
 *     operationId: queue_item_update_handler_api_queue_item_update_post
 *     summary: 'Replaces a queued item.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/remove:
 *   post:
 *     operationId: queue_item_remove_handler_api_queue_item_remove_post
 *     summary: 'Removes one item.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/remove/batch:
 *   post:
 *     operationId: queue_item_remove_batch_handler_api_queue_item_remove_batch_post
 *     summary: 'Removes a batch of items.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/move:
 *   post:
 *     operationId: queue_item_move_handler_api_queue_item_move_post
 *     summary: 'Moves one item.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/move/batch:
 *   post:
 *     operationId: queue_item_move_batch_handler_api_queue_item_move_batch_post
 *     summary: 'Moves a batch of items.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/queue/item/get:
 *   get:
 *     operationId: queue_item_get_handler_api_queue_item_get_get
 *     summary: 'One queued item, by position or uid.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:queue'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
