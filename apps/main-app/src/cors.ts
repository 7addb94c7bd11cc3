import type { RequestHandler } from 'express';

/**
 * CORS for the API when the console is served from another origin than the API
 * (`API_BASE` pointing elsewhere): origins in `allowed` may call it, with preflights
 * answered here. Other origins get no CORS headers, so browsers refuse their calls.
 */
export function corsHandler(allowed: readonly string[]): RequestHandler {
  const origins = new Set(allowed);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) return next();
    res.vary('origin');
    res.setHeader('access-control-allow-origin', origin);
    // content-disposition: the name a downloaded report is saved under.
    res.setHeader('access-control-expose-headers', 'x-request-id, retry-after, content-disposition');
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return next();
    res.setHeader('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
    res.setHeader(
      'access-control-allow-headers',
      req.headers['access-control-request-headers'] ?? 'content-type, authorization',
    );
    res.setHeader('access-control-max-age', '600');
    res.status(204).end();
  };
}
