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
/**
 * @openapi
 * /api/queue/item/{item_uid}:
 *   get:
 *     operationId: queue_item_get_by_uid_handler_api_queue_item__item_uid__get
 *     summary: 'One queued item by uid. Only a canonical (lowercase, hyphenated) UUID matches: /api/queue/item/add and the other literal paths keep their own routes.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:queue'] }]
 *     parameters:
 *       - { in: path, name: item_uid, required: true, schema: { type: string } }
 *     responses:
 *       '200': { description: "The manager's reply (queue_item_get with this uid)", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '404': { description: "Not a UUID, and no other route has this path", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '405': { description: "Not a UUID, and this path is another route's with another method", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
