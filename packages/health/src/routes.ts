import { Router } from 'express';
import { type HealthCheck, runChecks } from './checks.ts';

export interface HealthRoutesOptions {
  service: string;
  version: string;
  checks?: readonly HealthCheck[];
  /** While this returns true (e.g. during shutdown), readiness answers 503. */
  isShuttingDown?: () => boolean;
  /** Further paths that answer exactly as `/health/ready` (an older platform's probe path, say). */
  readyAliases?: readonly string[];
}

/**
 * `GET /health` (liveness: no I/O, 200 while the process serves) and
 * `GET /health/ready` (readiness: runs the checks; 503 when a required one fails).
 */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  const startedAt = Date.now();
  const checks = options.checks ?? [];

  router.get('/health', (_req, res) => {
    res.set('cache-control', 'no-store');
    res.json({
      status: 'ok',
      service: options.service,
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
  });

  router.get(['/health/ready', ...(options.readyAliases ?? [])], async (_req, res) => {
    res.set('cache-control', 'no-store');
    if (options.isShuttingDown?.()) {
      res.status(503).json({ status: 'not_ready', service: options.service, reason: 'shutting down', checks: {} });
      return;
    }
    const report = await runChecks(checks);
    res.status(report.status === 'not_ready' ? 503 : 200).json({
      status: report.status,
      service: options.service,
      version: options.version,
      checks: report.checks,
    });
  });

  return router;
}
