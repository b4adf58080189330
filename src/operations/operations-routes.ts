import type { Router } from 'express';
import type { Registry } from 'prom-client';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { ReadinessProbe } from './readiness.ts';

export function createOperationsRoutes(deps: { readiness: ReadinessProbe; metrics: Registry }): Router {
  const router = createCaseSensitiveRouter();
  router.get('/healthz', function getHealth(_req, res) {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async function getReadiness(_req, res) {
    const report = await deps.readiness.check();
    res
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  router.get('/metrics', async function getMetrics(_req, res) {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  return router;
}
