/**
 * Routes: The RunEngine: pause and what follows, runs, metadata. Each route's handler is bound by operationId in app.ts; most relay
 * to the manager method of the same purpose (http/relay.ts).
 */

/**
 * @openapi
 * /api/re/pause:
 *   post:
 *     operationId: re_pause_handler_api_re_pause_post
 *     summary: 'Pauses the running plan (deferred or immediate).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:plan:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/resume:
 *   post:
 *     operationId: re_resume_handler_api_re_resume_post
 *     summary: 'Resumes a paused plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:plan:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/stop:
 *   post:
 *     operationId: re_stop_handler_api_re_stop_post
 *     summary: 'Stops a paused plan (success).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:plan:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/abort:
 *   post:
 *     operationId: re_abort_handler_api_re_abort_post
 *     summary: 'Aborts a paused plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:plan:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/halt:
 *   post:
 *     operationId: re_halt_handler_api_re_halt_post
 *     summary: 'Halts a paused plan, without clean-up.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:plan:control'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/runs:
 *   post:
 *     operationId: re_runs_handler_api_re_runs_post
 *     summary: 'The runs of the running plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/runs/active:
 *   get:
 *     operationId: re_runs_active_handler_api_re_runs_active_get
 *     summary: 'Every run of the running plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/runs/open:
 *   get:
 *     operationId: re_runs_open_handler_api_re_runs_open_get
 *     summary: 'The open runs of the running plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/runs/closed:
 *   get:
 *     operationId: re_runs_closed_handler_api_re_runs_closed_get
 *     summary: 'The closed runs of the running plan.'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */

/**
 * @openapi
 * /api/re/metadata:
 *   get:
 *     operationId: re_metadata_api_re_metadata_get
 *     summary: 'The RunEngine metadata (permitted keys).'
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['read:monitor'] }]
 *     requestBody: { required: false, content: { application/json: { schema: { $ref: '#/components/schemas/Payload' } } } }
 *     responses:
 *       '200': { description: "The manager's reply", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: "A body key the call does not take", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 */
export {};
