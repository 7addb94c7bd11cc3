/**
 * Serves the console: `/config.js` (the run-time API base), the Vite build's files, and
 * index.html for every other page path so client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type RequestHandler, type Response } from 'express';

export type WebOptions =
  /** A `vite build` output folder (production, tests). */
  | { kind: 'static'; dir: string }
  /** Vite's dev middleware (`pnpm dev`): it serves index.html and the sources itself. */
  | { kind: 'middleware'; handler: RequestHandler };

export interface ConsoleConfig {
  /** Base URL the browser calls the API at; '' means the page's own origin. */
  apiBase: string;
}

/** The policy for the console's pages; the API keeps the kit's stricter `default-src 'none'`. */
export function contentSecurityPolicy(config: ConsoleConfig, dev: boolean): string {
  const api = config.apiBase ? ` ${new URL(config.apiBase).origin}` : '';
  return [
    "default-src 'self'",
    // Vite's dev server injects styles and an HMR websocket; the build needs neither.
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${api}${dev ? ' ws: wss:' : ''}`,
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function configScript(config: ConsoleConfig): string {
  return `window.__AZORA_CONFIG__ = ${JSON.stringify(config)};\n`;
}

/** True when `dir` holds a console build. */
export function hasBuild(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

export function consoleRoutes(app: Express, web: WebOptions, config: ConsoleConfig): void {
  const dev = web.kind === 'middleware';
  const csp = contentSecurityPolicy(config, dev);
  const script = configScript(config);
  const page = (res: Response) => res.setHeader('content-security-policy', csp);

  app.get('/config.js', (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.type('text/javascript').send(script);
  });

  if (web.kind === 'middleware') {
    app.use((req, res, next) => {
      if (req.path.startsWith('/api/')) {
        next();
        return;
      }
      page(res);
      web.handler(req, res, next);
    });
    return;
  }

  const index = join(web.dir, 'index.html');
  app.use(
    express.static(web.dir, {
      index: false,
      etag: false,
      setHeaders: (res, path) => {
        page(res);
        // Vite puts a content hash in every asset name, so they never change.
        res.setHeader(
          'cache-control',
          path.includes(`${join(web.dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  // Page paths (no dot in the last segment, not the API) get the app shell.
  app.get(/^\/(?!api\/|api$|health|metrics)(?:[^.]*)$/, (req, res, next) => {
    if (!req.accepts('html')) {
      next();
      return;
    }
    page(res);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index, (error) => {
      if (error) next(error);
    });
  });
}
