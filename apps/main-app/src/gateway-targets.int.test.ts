// Request targets that try to make the gateway call somewhere else: absolute-form URLs
// naming another host (SSRF), and paths that climb out of `/api/<prefix>/` with dot
// segments, percent-encoded dots or slashes, or backslashes. They are written over a raw
// socket, byte for byte, because HTTP clients normalise them before sending.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { SERVICES, urlVariable } from '@azora/catalog';
import { type StartedApp, startApp } from '@azora/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMainApp, type MainApp, SERVICE_NAME } from './app.ts';
import { quietLogger } from './test-support/logger.ts';

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** Sends `GET <target>` exactly as given and reads the answer until the server closes. */
function rawGet(port: number, target: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') });
    });
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

describe('gateway request targets', () => {
  const secret = `canary-secret-${randomUUID()}`;
  /** What the catalog routes' upstream received (its readiness probes aside). */
  const forwarded: string[] = [];
  /** What the server on another port, that no route points to, received. */
  const canaryHits: string[] = [];
  let upstream: StartedApp;
  let canary: StartedApp;
  let main: MainApp;
  let gateway: StartedApp;
  let prefixes: string[];

  beforeAll(async () => {
    upstream = await startApp((req, res) => {
      if (req.url !== '/health/ready') forwarded.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ready', url: req.url }));
    });
    canary = await startApp((req, res) => {
      canaryHits.push(req.url ?? '');
      res.end(secret);
    });
    // Every catalog service is deployed and reached at the same recording upstream.
    main = createMainApp({
      logger: quietLogger(),
      env: Object.fromEntries(
        SERVICES.filter((s) => s.name !== SERVICE_NAME).map((s) => [urlVariable(s.name), upstream.url]),
      ),
      pollIntervalMs: 60_000,
    });
    gateway = await startApp(main.app);
    prefixes = [...main.routes.keys()].sort();
  });

  afterAll(async () => {
    await gateway?.close();
    for (const resource of main?.resources ?? []) await resource.close();
    await upstream?.close();
    await canary?.close();
  });

  beforeEach(() => {
    forwarded.length = 0;
    canaryHits.length = 0;
  });

  const host = () => `127.0.0.1:${canary.port}`;

  it('routes every catalog prefix to the recording upstream (the control for the tests below)', async () => {
    const expected = SERVICES.filter((s) => s.name !== SERVICE_NAME)
      .map((s) => s.apiPrefix)
      .sort();
    expect(prefixes).toEqual(expected);
    expect(prefixes).toEqual(expect.arrayContaining(['sentiment', 'chatbot', 'vision', 'personalization']));
    for (const prefix of prefixes) {
      const answer = await rawGet(gateway.port, `/api/${prefix}/ok?q=1`);
      expect(answer.status, prefix).toBe(200);
    }
    expect(forwarded).toEqual(prefixes.map((prefix) => `/api/${prefix}/ok?q=1`));
  });

  it('refuses absolute-form targets with 400 problem+json and never calls the host they name', async () => {
    const targets = [
      `http://${host()}/api/sentiment/analyze`,
      `HTTP://${host()}/api/sentiment/analyze`,
      `http://main-app@${host()}/api/sentiment/analyze`,
      `http://user:password@${host()}/api/vision/analyze?x=1`,
      `http://127.0.0.1:${gateway.port}@${host()}/api/chatbot/message`,
      `https://${host()}/api/personalization/users`,
      `http://${host()}/api/sentiment/../../metrics`,
    ];
    for (const target of targets) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBe(400);
      expect(answer.headers, target).toContain('content-type: application/problem+json');
      expect(JSON.parse(answer.body).detail, target).toContain('absolute URL');
      expect(answer.body, target).not.toContain(secret);
    }
    expect(canaryHits).toEqual([]);
    expect(forwarded).toEqual([]);
  });

  it('refuses scheme-relative and backslash targets that name another host', async () => {
    const targets = [`//${host()}/api/sentiment/analyze`, `/\\${host()}/api/sentiment/analyze`];
    for (const target of targets) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
      expect(answer.body, target).not.toContain(secret);
    }
    expect(canaryHits).toEqual([]);
    expect(forwarded).toEqual([]);
  });

  it('refuses paths that leave /api/<prefix>/ or read differently once decoded, with 400 problem+json', async () => {
    const targets = [
      '/api/sentiment/../../metrics',
      '/api/sentiment/x/../../../metrics',
      '/api/sentiment/..',
      '/api/sentiment/./analyze',
      '/api/personalization/%2e%2e/%2e%2e/metrics',
      '/api/personalization/%2E%2E/%2E%2E/metrics',
      '/api/personalization/.%2e/.%2E/metrics',
      '/api/vision/..%2f..%2fmetrics',
      '/api/vision/x%2F..%2F..%2Fmetrics',
      '/api/vision/..\\..\\metrics',
      '/api/vision/%5c..%5c..%5cmetrics',
      '/api/chatbot/..;/..;/metrics',
      '/api/chatbot/%252e%252e/%252e%252e/metrics',
    ];
    for (const target of targets) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBe(400);
      expect(answer.headers, target).toContain('content-type: application/problem+json');
      expect(JSON.parse(answer.body).detail, target).toMatch(/dot segment|encoded|backslash/);
    }
    expect(forwarded).toEqual([]);
  });

  it('answers malformed paths with a 4xx, never a 5xx', async () => {
    for (const target of ['/api/sentiment/%zz', '/api/sentiment/%', '/api/sentiment/%e9', '/api/sentiment/x#frag']) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
    }
    expect(forwarded).toEqual([]);
  });

  it('still forwards ordinary paths and queries byte for byte', async () => {
    const targets = [
      '/api/sentiment/analyze?path=../../metrics&x=%2e%2e',
      '/api/vision/images/photo.v2.jpg',
      '/api/vision/a..b/...',
      '/api/chatbot/sessions/abc%20def',
      '/api/sent%69ment/x',
      '/api/personalization',
    ];
    for (const target of targets) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBe(200);
    }
    expect(forwarded).toEqual(targets);
  });

  it('forwards published sites (/sites/<subdomain>/...) to the website builder unchanged: GET, HEAD and contact forms only', async () => {
    const targets = ['/sites/acme-bakery/', '/sites/acme-bakery/menu/', '/sites/acme-bakery/styles.css?v=3'];
    for (const target of targets) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBe(200);
      expect(JSON.parse(answer.body).url, target).toBe(target);
    }
    expect(forwarded).toEqual(targets);
    forwarded.length = 0;
    // Publishing is the API's (/api/ai-website-builder/...); no other write goes to /sites/.
    const post = await new Promise<number>((resolve, reject) => {
      const socket = connect(gateway.port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(text.split(' ')[1])));
      socket.write(
        `POST /sites/acme-bakery/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
    });
    expect(post).toBe(404);
    expect(forwarded).toEqual([]);
    // …but a published site's contact form posts through to the service.
    const contact = await new Promise<number>((resolve, reject) => {
      const socket = connect(gateway.port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(text.split(' ')[1])));
      socket.write(
        `POST /sites/acme-bakery/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\nConnection: close\r\n\r\nname=Rosa`,
      );
    });
    expect(contact).toBe(200);
    expect(forwarded).toEqual(['/sites/acme-bakery/contact']);
  });

  it('refuses /sites/ targets that climb out of it or name another host, and forwards none of them', async () => {
    const targets = [
      `http://${host()}/sites/acme/`,
      `//${host()}/sites/acme/`,
      '/sites/../api/ai-website-builder/sites',
      '/sites/acme/../../metrics',
      '/sites/%2e%2e/metrics',
      '/sites/acme/%2E%2E/%2E%2E/metrics',
      '/sites/acme/..%2f..%2fmetrics',
      '/sites/acme%2f..%2f..%2fmetrics',
      '/sites/acme/..\\..\\metrics',
      '/sites/acme/..;/..;/metrics',
      '/sites/acme/%5c..%5cmetrics',
    ];
    for (const target of targets) {
      const answer = await rawGet(gateway.port, target);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
      expect(answer.body, target).not.toContain(secret);
    }
    expect(canaryHits).toEqual([]);
    expect(forwarded).toEqual([]);
  });

  it('refuses every attack form for every gateway prefix, and no upstream sees any of them', async () => {
    const attacks = (prefix: string) => [
      `http://${host()}/api/${prefix}/x`,
      `http://main-app@${host()}/api/${prefix}/x`,
      `//${host()}/api/${prefix}/x`,
      `/api/${prefix}/../../metrics`,
      `/api/${prefix}/%2e%2e/%2e%2e/metrics`,
      `/api/${prefix}/%2E%2E/%2E%2E/metrics`,
      `/api/${prefix}/..%2f..%2fmetrics`,
      `/api/${prefix}%2f..%2f..%2fmetrics`,
      `/api/${prefix}/..\\..\\metrics`,
    ];
    const accepted: string[] = [];
    for (const prefix of prefixes) {
      for (const target of attacks(prefix)) {
        const answer = await rawGet(gateway.port, target);
        if (!(answer.status >= 400 && answer.status < 500) || answer.body.includes(secret)) {
          accepted.push(`${target} → ${answer.status}`);
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(canaryHits).toEqual([]);
    expect(forwarded).toEqual([]);
  });
});
