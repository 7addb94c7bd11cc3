import { startApp } from '@azora/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedLoop,
  compare,
  fetchOk,
  type LoadResult,
  load,
  pairedRatio,
  parseWrkReport,
  percentile,
} from './index.ts';

const REPORT = `Running 1s test @ http://127.0.0.1:3996/nope
  1 threads and 2 connections
  Latency Distribution
     50%  794.00us
     75%    1.03ms
     90%    1.27ms
     99%    2.08ms
  2196 requests in 1.00s, 1.09MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 2196
Requests/sec:   2195.36
`;

describe('pairedRatio', () => {
  const runs = (...perSecond: number[]): LoadResult[] =>
    perSecond.map((requestsPerSecond) => ({ requestsPerSecond, p50Ms: 1, p99Ms: 2, errors: 0, non2xx: 0 }));

  it('is the median of the rounds’ ratios, so one round the machine disturbed does not decide', () => {
    // The last baseline round ran while something else had the CPU: the mean of the rounds would say 0.84.
    expect(pairedRatio(runs(100, 100, 100, 10), runs(80, 80, 80, 100))).toBeCloseTo(0.8);
    expect(pairedRatio(runs(100, 200, 300), runs(50, 150, 300))).toBeCloseTo(0.75);
    expect(pairedRatio(runs(200), runs(150))).toBeCloseTo(0.75);
  });
});

describe('parseWrkReport', () => {
  it('reads throughput, latency percentiles in ms, socket errors and non-2xx answers', () => {
    expect(parseWrkReport(REPORT)).toEqual({
      requestsPerSecond: 2195.36,
      p50Ms: 0.794,
      p99Ms: 2.08,
      errors: 3,
      non2xx: 2196,
    });
    expect(() => parseWrkReport('segfault')).toThrow(/unexpected wrk output/);
  });
});

describe('percentile', () => {
  it('takes the nearest rank, whatever the order of the values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 95)).toBeNaN();
  });
});

describe('closedLoop', () => {
  it('runs `count` tasks with at most `clients` at a time and times each', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const result = await closedLoop({
      clients: 3,
      count: 10,
      task: async (index) => {
        seen.push(index);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
      },
    });
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(result.latenciesMs).toHaveLength(10);
    expect(Math.min(...result.latenciesMs)).toBeGreaterThanOrEqual(4);
    expect(result.perSecond).toBeCloseTo(10 / result.seconds);
  });

  it('stops starting tasks after `durationMs`, and needs a count or a duration', async () => {
    const result = await closedLoop({
      clients: 2,
      durationMs: 60,
      task: () => new Promise((resolve) => setTimeout(resolve, 10)),
    });
    expect(result.latenciesMs.length).toBeGreaterThan(0);
    expect(result.latenciesMs.length).toBeLessThan(20);
    await expect(closedLoop({ clients: 1, task: async () => {} })).rejects.toThrow(/count or a duration/);
  });

  it('fails with the URL and status when fetchOk gets a non-2xx answer', async () => {
    const app = await startApp((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    try {
      await expect(fetchOk(`${app.url}/x`)).rejects.toThrow(`${app.url}/x answered 503`);
    } finally {
      await app.close();
    }
  });
});

describe('load (wrk)', async () => {
  const bodies: string[] = [];
  const server = await startApp((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.method === 'POST' && bodies.length < 5) bodies.push(`${req.headers['content-type']} ${body}`);
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('{}');
    });
  });
  afterAll(() => server.close());

  it('measures throughput and latency', async () => {
    const result = await load({ url: `${server.url}/`, connections: 4, durationSeconds: 1 });
    expect(result.requestsPerSecond).toBeGreaterThan(100);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
    expect(result.errors).toBe(0);
  });

  it('sends a JSON body, even one that looks like Lua string delimiters', async () => {
    await load({
      url: `${server.url}/`,
      method: 'POST',
      body: { text: 'a ]] b ]=] c' },
      connections: 1,
      durationSeconds: 1,
    });
    expect(bodies[0]).toBe('application/json {"text":"a ]] b ]=] c"}');
  });

  it('counts non-2xx answers, and compare refuses results that contain them', async () => {
    expect((await load({ url: `${server.url}/missing`, connections: 2, durationSeconds: 1 })).non2xx).toBeGreaterThan(
      0,
    );
    await expect(
      compare(
        { url: `${server.url}/`, connections: 2, durationSeconds: 1 },
        { url: `${server.url}/missing`, connections: 2, durationSeconds: 1 },
        1,
      ),
    ).rejects.toThrow(/non-2xx/);
  });
});
