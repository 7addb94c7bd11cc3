// Serving the console: the build's files, the app shell for page paths, the run-time
// config, and a content security policy that lets the pages run but nothing else.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMainApp, type MainApp } from './app.ts';
import { resolveDeployed, scanWorkspace } from './deployed.ts';
import { quietLogger } from './test-support/logger.ts';

describe('console', () => {
  let dir: string;
  let main: MainApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'main-app-console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Azora</title><div id="root"></div>');
    await writeFile(join(dir, 'assets/index-abc123.js'), 'console.log(1);');
    main = createMainApp({
      logger: quietLogger(),
      deployed: new Set(['main-app']),
      apiBase: 'https://api.example.com/',
      web: { kind: 'static', dir },
    });
  });

  afterAll(async () => {
    for (const resource of main.resources) await resource.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the app shell for the home page and every page path, with a policy that allows its own scripts', async () => {
    for (const path of [
      '/',
      '/vision',
      '/recommendations/',
      '/wallet',
      '/website-builder',
      '/privacy',
      '/compliance',
      '/reports',
      '/iot',
      '/network',
      '/traces',
      '/operations',
    ]) {
      const response = await request(main.app).get(path).set('accept', 'text/html');
      expect(response.status, path).toBe(200);
      expect(response.text).toContain('<div id="root">');
      expect(response.headers['cache-control']).toBe('no-cache');
      const csp = response.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self' https://api.example.com");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets as immutable and answers missing files with 404', async () => {
    const asset = await request(main.app).get('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await request(main.app).get('/assets/missing.js')).status).toBe(404);
  });

  it('gives the browser its API base at run time', async () => {
    const response = await request(main.app).get('/config.js');
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.text).toBe('window.__AZORA_CONFIG__ = {"apiBase":"https://api.example.com"};\n');
  });

  it('sends published sites (/sites/...) to the website builder, never the app shell', async () => {
    const response = await request(main.app).get('/sites/acme/').set('accept', 'text/html');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ upstream: 'ai-website-builder', failure: 'not_deployed' });
  });

  it('keeps API 404s as problem+json, not the app shell', async () => {
    const response = await request(main.app).get('/api/platform/unknown').set('accept', 'text/html,*/*');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('is not ready without a console build', async () => {
    const missing = createMainApp({
      logger: quietLogger(),
      deployed: new Set(),
      web: { kind: 'static', dir: join(dir, 'nope') },
    });
    try {
      const response = await request(missing.app).get('/health/ready');
      expect(response.status).toBe(503);
      expect(response.body.checks.console.error).toContain('no console build');
      const own = (await missing.poller.report()).services.find((s) => s.name === 'main-app');
      expect(own, 'the status board says so too').toMatchObject({ state: 'down' });
      expect(own?.detail).toContain('console: no console build');
    } finally {
      for (const resource of missing.resources) await resource.close();
    }
  });
});

describe('deployed services', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'main-app-deployed-'));
    await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    for (const folder of ['apps/main-app', 'services/ai-sentiment']) {
      await mkdir(join(root, folder), { recursive: true });
      await writeFile(join(root, folder, 'package.json'), JSON.stringify({ name: folder.split('/')[1] }));
    }
    // A folder without a package.json (a service being written) does not count.
    await mkdir(join(root, 'services/ai-vision/src'), { recursive: true });
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('are the workspace packages found beside the console', () => {
    expect(scanWorkspace(root)).toEqual(['ai-sentiment', 'main-app']);
    expect(resolveDeployed(join(root, 'apps/main-app'), undefined)).toEqual({
      packages: ['ai-sentiment', 'main-app'],
      source: 'workspace',
    });
  });

  it('come from deployed-services.json in a built image, and DEPLOYED_SERVICES overrides both', async () => {
    await writeFile(join(root, 'apps/main-app/deployed-services.json'), '["main-app","ai-vision"]');
    expect(resolveDeployed(join(root, 'apps/main-app'), undefined)).toEqual({
      packages: ['main-app', 'ai-vision'],
      source: 'deployed-services.json',
    });
    expect(resolveDeployed(join(root, 'apps/main-app'), ' ai-chatbot, ,ai-sentiment ')).toEqual({
      packages: ['ai-chatbot', 'ai-sentiment'],
      source: 'DEPLOYED_SERVICES',
    });
  });

  it('are unknown (every service is shown as deployed) outside a workspace with no list', () => {
    expect(resolveDeployed(tmpdir(), undefined)).toBeUndefined();
  });
});
