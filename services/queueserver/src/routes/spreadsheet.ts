/**
 * Routes: the spreadsheet upload (spec §10.3). Bound by operationId in app.ts
 * (http/spreadsheet-routes.ts); the conversion and the batch add are spreadsheet/upload.ts.
 */

/**
 * @openapi
 * components:
 *   schemas:
 *     SpreadsheetForm:
 *       type: object
 *       properties:
 *         spreadsheet: { type: string, contentMediaType: application/octet-stream, description: 'The .xlsx (first sheet) or .csv file; its file name picks the reader' }
 *         data_type: { type: string, description: "Given to a custom module's spreadsheet_to_plan_list; the built-in converter takes none" }
 *       required: [spreadsheet]
 *
 * /api/queue/upload/spreadsheet:
 *   post:
 *     operationId: queue_upload_spreadsheet_api_queue_upload_spreadsheet_post
 *     summary: 'Adds the plans of a spreadsheet to the queue, as one batch (all or none).'
 *     description: >-
 *       The built-in converter reads the first row as column names: plan name, args, then one
 *       column per keyword argument; each later row is one plan, its cells Python literals
 *       (`'det1'`, `10`, `['det1', 'det2']`), the args cell without its brackets, an empty plan name
 *       a skipped row. A module in QSERVER_CUSTOM_MODULES that exports `spreadsheet_to_plan_list`
 *       converts first (null declines). A spreadsheet that cannot be converted is a 200 with
 *       `{success: false, msg, items: [], results: []}`; otherwise the reply is queue_item_add_batch's.
 *     security: [{ ApiKeyHeader: [] }, { OAuth2PasswordBearer: ['write:queue:edit'] }]
 *     requestBody: { required: true, content: { multipart/form-data: { schema: { $ref: '#/components/schemas/SpreadsheetForm' } } } }
 *     responses:
 *       '200': { description: "queue_item_add_batch's reply, or why the spreadsheet could not be converted", content: { application/json: { schema: { $ref: '#/components/schemas/ManagerReply' } } } }
 *       '400': { description: 'A multipart body that cannot be read', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '401': { description: "No or bad credentials, or a missing scope", content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '413': { description: 'A file over the upload limit (16 MiB)', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPError' } } } }
 *       '422': { description: 'No spreadsheet file in the request', content: { application/json: { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
 */
export {};
