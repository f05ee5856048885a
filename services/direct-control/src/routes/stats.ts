/** The service's counters over REST (spec §1.2): a thin handler over `operations/status.ts`. */

import type { operations } from '@ophyd-service/api-types/direct-control';
import type { Handler } from '@ophyd-service/service-kit';
import { stats as readStats, type SocketCounters } from '../operations/status.ts';
import type { DirectControl } from '../state.ts';

/**
 * @openapi
 * /api/v1/stats:
 *   get:
 *     tags: [Service]
 *     operationId: get_stats_api_v1_stats_get
 *     summary: The reference's counters (sockets, devices, coordination), with monitors and per-endpoint figures beside them
 *     responses:
 *       '200': { description: 'Counters', content: { application/json: { schema: { $ref: '#/components/schemas/Stats' } } } }
 */
export const stats =
  (dc: DirectControl, sockets: () => SocketCounters): Handler<operations['get_stats_api_v1_stats_get']> =>
  () =>
    readStats(dc, sockets());
