import type { Context, Next } from 'koa';
import type { Registry } from 'prom-client';
import { prom, Router } from './required.ts';

/** What a probe reports: `ok` picks 200 or 503, `body` is returned as is. */
export interface ProbeResult {
  ok: boolean;
  body: Record<string, unknown>;
}
export type Probe = () => ProbeResult | Promise<ProbeResult>;

/**
 * The operationIds are the reference's (FastAPI's `health_check` and `readiness_check`, the same in
 * both services; the direct-control reference has no /ready and neither has /metrics, so those
 * follow the same naming).
 *
 * @openapi
 * /health:
 *   get:
 *     tags: [health]
 *     operationId: health_check_health_get
 *     summary: Liveness, with a check of the service's backing store where it has one
 *     responses:
 *       '200': { description: Healthy, content: { application/json: { schema: { $ref: '#/components/schemas/HealthResponse' } } } }
 *       '503': { description: Unhealthy, content: { application/json: { schema: { $ref: '#/components/schemas/HealthResponse' } } } }
 * /ready:
 *   get:
 *     tags: [health]
 *     operationId: readiness_check_ready_get
 *     summary: Readiness to serve traffic
 *     responses:
 *       '200': { description: Ready, content: { application/json: { schema: { $ref: '#/components/schemas/ReadyResponse' } } } }
 *       '503': { description: Not ready, content: { application/json: { schema: { $ref: '#/components/schemas/ReadyResponse' } } } }
 * /metrics:
 *   get:
 *     tags: [health]
 *     operationId: metrics_metrics_get
 *     summary: Prometheus metrics in the text exposition format
 *     responses:
 *       '200': { description: Metrics, content: { text/plain: { schema: { type: string } } } }
 */
export function healthRoutes(health: Probe, ready: Probe, metrics: Registry): Router {
  const router = new Router();
  const serve = (probe: Probe) => async (ctx: Context) => {
    const result = await probe();
    ctx.status = result.ok ? 200 : 503;
    ctx.body = result.body;
  };
  router.get('/health', serve(health));
  router.get('/ready', serve(ready));
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.contentType;
    ctx.body = await metrics.metrics();
  });
  return router;
}

/** Milliseconds between event-loop lag samples of the process metrics. */
const LAG_SAMPLE_MS = 100;

/** A registry with process metrics and a request-duration histogram labelled by route template. */
export function createMetrics(service: string): {
  registry: Registry;
  middleware: (ctx: Context, next: Next) => Promise<void>;
} {
  const registry = new prom.Registry();
  registry.setDefaultLabels({ service });
  // The event-loop lag histogram samples on a native timer: prom-client's default 10 ms wakes an
  // idle service 100 times a second (~7 ms of CPU a second, the fixed cost that dominated CPU per
  // WebSocket update at low rates). Lag is still measured in full at each of 10 samples a second.
  prom.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: LAG_SAMPLE_MS });
  const duration = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const middleware = async (ctx: Context, next: Next) => {
    const stop = duration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stop({ method: ctx.method, route, status: String(ctx.status) });
    }
  };
  return { registry, middleware };
}
