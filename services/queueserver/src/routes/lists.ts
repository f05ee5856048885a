/**
 * Routes: Plans, devices and user group permissions. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/plans/allowed:
 *   get:
 *     operationId: plans_allowed_handler_api_plans_allowed_get
 *     summary: 'The plans the user group may run (`reduced` for the simple form).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:resources'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/devices/allowed:
 *   get:
 *     operationId: devices_allowed_handler_api_devices_allowed_get
 *     summary: 'The devices the user group may use.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:resources'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/plans/existing:
 *   get:
 *     operationId: plans_existing_handler_api_plans_existing_get
 *     summary: 'Every plan of the environment.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:resources'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/devices/existing:
 *   get:
 *     operationId: devices_existing_handler_api_devices_existing_get
 *     summary: 'Every device of the environment.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:resources'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/permissions/reload:
 *   post:
 *     operationId: permissions_reload_handler_api_permissions_reload_post
 *     summary: 'Reloads the user group permissions.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:config'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/permissions/get:
 *   get:
 *     operationId: permissions_get_handler_api_permissions_get_get
 *     summary: 'The user group permissions.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:config'] }]
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/permissions/set:
 *   post:
 *     operationId: permissions_set_handler_api_permissions_set_post
 *     summary: 'Replaces the user group permissions.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:permissions'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
