/**
 * Routes: Functions, scripts and their tasks. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/function/execute:
 *   post:
 *     operationId: function_execute_handler_api_function_execute_post
 *     summary: 'Runs a function in the worker.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:execute'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/script/upload:
 *   post:
 *     operationId: script_upload_handler_api_script_upload_post
 *     summary: 'Loads a module into the worker namespace.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:scripts'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/task/status:
 *   get:
 *     operationId: task_status_api_task_status_get
 *     summary: 'The status of one or more tasks.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/task/result:
 *   get:
 *     operationId: task_result_api_task_result_get
 *     summary: 'The result of a task.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/kernel/interrupt:
 *   post:
 *     operationId: kernel_interrupt_handler_api_kernel_interrupt_post
 *     summary: 'Interrupts the IPython kernel (never used here).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
