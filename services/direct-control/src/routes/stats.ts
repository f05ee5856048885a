/**
 * OpenAPI of the stats route (the handler lives in app.ts, next to the parts it counts).
 *
 * @openapi
 * /api/v1/stats:
 *   get:
 *     tags: [Service]
 *     operationId: get_stats_api_v1_stats_get
 *     summary: Monitors, WebSocket clients and subscriptions, live devices
 *     responses:
 *       '200': { description: 'Counters', content: { application/json: { schema: { $ref: '#/components/schemas/Stats' } } } }
 */
export {};
