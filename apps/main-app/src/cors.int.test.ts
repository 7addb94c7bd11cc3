import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createMainApp } from './app.ts';
import { quietLogger } from './test-support/logger.ts';

describe('cross-origin API calls (console served from another origin)', () => {
  const main = createMainApp({
    logger: quietLogger(),
    deployed: new Set(['main-app']),
    corsOrigins: ['https://console.example.com'],
    pollIntervalMs: 60_000,
  });
  afterAll(async () => {
    for (const resource of main.resources) await resource.close();
  });

  it('answers a preflight from an allowed origin', async () => {
    const response = await request(main.app)
      .options('/api/chatbot/message')
      .set('origin', 'https://console.example.com')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-headers']).toBe('content-type');
    expect(response.headers.vary).toMatch(/origin/i);
  });

  it('lets the allowed origin read answers, and gives other origins nothing', async () => {
    const allowed = await request(main.app).get('/api/platform/status').set('origin', 'https://console.example.com');
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
    // The console reads a downloaded report's file name from its content-disposition.
    expect(allowed.headers['access-control-expose-headers']).toContain('content-disposition');
    const other = await request(main.app).get('/api/platform/status').set('origin', 'https://evil.example');
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(main.app)
      .options('/api/chatbot/message')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
