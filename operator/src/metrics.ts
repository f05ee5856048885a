/**
 * The operator's Prometheus metrics: reconciles, errors, durations, queue depth, API writes, hand
 * edits put back and informer restarts.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    reconciles: new Counter({
      name: 'operator_reconcile_total',
      help: 'Reconciles run',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'operator_reconcile_errors_total',
      help: 'Reconciles that failed',
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'operator_reconcile_duration_seconds',
      help: 'Time per reconcile',
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'operator_queue_depth',
      help: 'Keys waiting in the work queue',
      registers: [registry],
    }),
    writes: new Counter({
      name: 'operator_api_writes_total',
      help: 'Write requests to the API server by the reconciler (applies, deletes, status, events)',
      labelNames: ['verb', 'kind'],
      registers: [registry],
    }),
    driftCorrections: new Counter({
      name: 'operator_drift_corrections_total',
      help: 'Children re-applied because fields the operator owns were edited by hand',
      labelNames: ['kind'],
      registers: [registry],
    }),
    informerRestarts: new Counter({
      name: 'operator_informer_restarts_total',
      help: 'Informers restarted after an error or a silence',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
