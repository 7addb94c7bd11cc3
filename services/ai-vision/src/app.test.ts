import { connect } from 'node:net';
import { createLogger } from '@azora/service-kit';
import { startApp } from '@azora/testing';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVisionService } from './app.ts';
import { DetectorPool } from './detector-pool.ts';
import {
  humanSamplePhoto,
  pngDeclaring,
  reencoded,
  shapesPng,
  solid,
  stripesPng,
  truncated,
} from './fixtures/images.ts';

const logger = createLogger('ai-vision', 'silent');
// Two inference workers, as the service runs by default (VISION_CONCURRENCY=2).
const detector = new DetectorPool({ size: 2 });
const service = (options: Partial<Parameters<typeof createVisionService>[0]> = {}) =>
  createVisionService({ logger, detector, ...options });
const { app } = service();

let shapes: Buffer;
let photo: Buffer;
beforeAll(async () => {
  [shapes, photo] = await Promise.all([shapesPng(), humanSamplePhoto(), detector.load()]);
});
afterAll(() => detector.close());

function expectProblem(res: request.Response, status: number, reason: string, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, reason });
  expect(res.body.detail).toMatch(detail);
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const insideImage = (box: Box, width: number, height: number) =>
  box.x >= 0 &&
  box.y >= 0 &&
  box.width > 0 &&
  box.height > 0 &&
  box.x + box.width <= width &&
  box.y + box.height <= height;

describe('before the models are loaded', () => {
  it('is not ready and answers /analyze with 503 and Retry-After', async () => {
    const loading = createVisionService({ logger, detector: new DetectorPool() }).app;
    const ready = await request(loading).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.models).toMatchObject({ status: 'fail', error: 'models are loading' });
    const res = await request(loading).post('/api/vision/analyze').set('content-type', 'image/png').send(shapes);
    expectProblem(res, 503, 'not_ready', /models are still loading/);
    expect(res.headers['retry-after']).toBe('5');
    expect((await request(loading).get('/health')).status).toBe(200);
  });
});

describe('POST /api/vision/analyze', () => {
  it('is ready once the models are loaded', async () => {
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks.models.detail).toMatchObject({ backend: 'wasm' });
    expect(res.body.checks.models.detail.models).toEqual(
      expect.arrayContaining(['blazeface', 'centernet', 'faceres', 'emotion']),
    );
  });

  it('analyses a raw image/png body: the whole contract', async () => {
    const res = await request(app).post('/api/vision/analyze').set('content-type', 'image/png').send(shapes);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'blurhash',
        'bytes',
        'dominantColor',
        'faces',
        'format',
        'height',
        'objects',
        'orientation',
        'palette',
        'phash',
        'timings',
        'width',
      ].sort(),
    );
    expect(res.body).toMatchObject({
      format: 'png',
      width: 480,
      height: 320,
      orientation: 'landscape',
      bytes: shapes.length,
      dominantColor: '#1e3a8a',
      faces: { count: 0, items: [] },
    });
    expect(res.body.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(res.body.blurhash).toHaveLength(28);
    expect(res.body.palette[0]).toEqual({ hex: '#1e3a8a', population: expect.any(Number) });
    expect(Array.isArray(res.body.objects)).toBe(true);
    for (const object of res.body.objects) {
      expect(object).toEqual({ label: expect.any(String), score: expect.any(Number), box: expect.any(Object) });
      expect(insideImage(object.box, 480, 320)).toBe(true);
    }
    expect(res.body.timings).toEqual({ decodeMs: expect.any(Number), inferenceMs: expect.any(Number) });
    expect(res.body.timings.inferenceMs).toBeGreaterThan(0);
  });

  it('finds the faces and people in a photograph (multipart field `image`)', async () => {
    const res = await request(app).post('/api/vision/analyze').attach('image', photo, 'faces.jpg');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'jpeg', width: 800, height: 718 });
    // The photo's bottom row shows five portraits; the thumbnails above hold more, smaller faces.
    expect(res.body.faces.count).toBeGreaterThanOrEqual(5);
    expect(res.body.faces.items).toHaveLength(res.body.faces.count);
    for (const face of res.body.faces.items) {
      expect(insideImage(face.box, 800, 718)).toBe(true);
      expect(face.score).toBeGreaterThan(0.3);
      expect(face.age).toBeGreaterThan(5);
      expect(face.age).toBeLessThan(90);
      if (face.gender !== undefined) expect(['male', 'female']).toContain(face.gender);
      if (face.emotion !== undefined) expect(typeof face.emotion).toBe('string');
    }
    // The five large portraits sit in the band y ≈ 270–400 of the screenshot.
    const portraits = res.body.faces.items.filter((f: { box: Box }) => f.box.y > 250 && f.box.y < 420);
    expect(portraits.length).toBeGreaterThanOrEqual(4);
    const people = res.body.objects.filter((o: { label: string }) => o.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(3);
    for (const object of res.body.objects) expect(insideImage(object.box, 800, 718)).toBe(true);
  });

  it('reports boxes in the pixels of the original image when it is scaled for analysis', async () => {
    const large = await sharp(photo).resize(2000).jpeg({ quality: 90 }).toBuffer();
    const [small, big] = await Promise.all([
      request(app).post('/api/vision/analyze').set('content-type', 'image/jpeg').send(photo),
      request(app).post('/api/vision/analyze').set('content-type', 'image/jpeg').send(large),
    ]);
    expect(big.body).toMatchObject({ width: 2000, height: 1795 });
    const best = (res: request.Response) => res.body.faces.items[0] as { box: Box };
    const scale = 2000 / 800;
    expect(best(big).box.x / scale).toBeCloseTo(best(small).box.x, -1);
    expect(best(big).box.width / scale).toBeCloseTo(best(small).box.width, -1);
  });

  it('refuses input it cannot analyse with 4xx problems, and keeps serving', async () => {
    const post = () => request(app).post('/api/vision/analyze');
    expectProblem(
      await post().set('content-type', 'image/png').send(Buffer.from('not a picture')),
      415,
      'not_an_image',
      /not an image/,
    );
    expectProblem(
      await post().set('content-type', 'image/jpeg').send(truncated(photo)),
      422,
      'corrupt',
      /could not be decoded/,
    );
    expectProblem(
      await post().set('content-type', 'image/png').send(pngDeclaring(60_000, 60_000)),
      422,
      'too_many_pixels',
      /60000×60000 \(3,600 megapixels\); the limit is 50 megapixels/,
    );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expectProblem(
      await post().set('content-type', 'image/svg+xml').send(svg),
      415,
      'unsupported_format',
      /svg images are not supported/,
    );
    expectProblem(await post().set('content-type', 'image/png').send(Buffer.alloc(0)), 400, 'empty', /body is empty/);
    expectProblem(await post(), 400, 'empty', /body is empty/);
    expectProblem(
      await post().set('content-type', 'text/plain').send('hello'),
      415,
      'unsupported_type',
      /Content-Type text\/plain is not accepted/,
    );
    expectProblem(await post().send({ image: 'aGVsbG8=' }), 415, 'unsupported_type', /application\/json/);
    expectProblem(
      await post().attach('picture', shapes, 'a.png'),
      400,
      'bad_multipart',
      /unexpected file field `picture`/,
    );
    expectProblem(await post().field('note', 'hi'), 400, 'missing_field', /field `image` is missing/);
    expectProblem(await post().attach('image', Buffer.alloc(0), 'empty.png'), 400, 'empty', /`image` is empty/);
    expectProblem(
      await post().attach('image', shapes, 'a.png').attach('image', shapes, 'b.png'),
      400,
      'bad_multipart',
      /too many files|sent more than once/,
    );
    expectProblem(
      await post().set('content-type', 'multipart/form-data').send('--x\r\n'),
      400,
      'bad_multipart',
      /malformed multipart/,
    );
    expectProblem(
      await post()
        .set('content-type', 'multipart/form-data; boundary=x')
        .send('--x\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc'),
      400,
      'bad_multipart',
      /malformed multipart|Unexpected end/i,
    );
    // Still serving after all of that.
    expect((await post().set('content-type', 'image/png').send(shapes)).status).toBe(200);
  });

  it('refuses images over MAX_IMAGE_BYTES with 413, raw or multipart', async () => {
    const small = service({ maxImageBytes: 50_000 }).app;
    const noise = (side: number) =>
      sharp({
        create: {
          width: side,
          height: side,
          channels: 3,
          background: '#000000',
          noise: { type: 'gaussian', mean: 128, sigma: 60 },
        },
      })
        .png()
        .toBuffer();
    // Just over the limit (caught while streaming) and far over it (caught from Content-Length).
    const [big, huge] = await Promise.all([noise(150), noise(400)]);
    expect(big.length).toBeGreaterThan(50_000);
    expect(big.length).toBeLessThan(100_000);
    expectProblem(
      await request(small).post('/api/vision/analyze').set('content-type', 'image/png').send(big),
      413,
      'too_large',
      new RegExp(`${big.length} bytes; the limit is 50000 bytes \\(MAX_IMAGE_BYTES\\)`),
    );
    expectProblem(
      await request(small).post('/api/vision/analyze').attach('image', big, 'big.png'),
      413,
      'too_large',
      /file `image` \(big.png\) is larger than 50000 bytes/,
    );
    expectProblem(
      await request(small).post('/api/vision/analyze').attach('image', huge, 'huge.png'),
      413,
      'too_large',
      /request body is \d+ bytes; the limit is 50000 bytes \(MAX_IMAGE_BYTES\) per image/,
    );
  });

  it('forgets an upload whose client hangs up halfway, and keeps serving', async () => {
    const fresh = service();
    const server = await startApp(fresh.app);
    try {
      for (const type of ['image/jpeg', 'multipart/form-data; boundary=x']) {
        const socket = connect(server.port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(
          `POST /api/vision/analyze HTTP/1.1\r\nhost: x\r\ncontent-type: ${type}\r\ncontent-length: 100000\r\n\r\n`,
        );
        socket.write(
          type.startsWith('image')
            ? photo.subarray(0, 1000)
            : '--x\r\ncontent-disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nabc',
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.destroy();
      }
      await expect
        .poll(async () => (await request(fresh.app).get('/metrics')).text)
        .toContain('vision_rejected_total{reason="aborted",service="ai-vision"} 2');
      expect(
        (await request(server.url).post('/api/vision/compare').attach('a', shapes).attach('b', shapes)).status,
      ).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('bounds concurrency: a full queue answers 503 with Retry-After', async () => {
    const server = await startApp(service({ concurrency: 1, queueLimit: 0 }).app);
    try {
      const responses = await Promise.all(
        Array.from({ length: 4 }, () =>
          fetch(`${server.url}/api/vision/analyze`, {
            method: 'POST',
            headers: { 'content-type': 'image/jpeg' },
            body: photo,
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      expect(statuses).toContain(200);
      expect(statuses).toContain(503);
      const busy = responses.find((r) => r.status === 503) as Response;
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(await busy.json()).toMatchObject({ reason: 'queue_full', detail: expect.stringMatching(/busy/) });
    } finally {
      await server.close();
    }
  });
});

describe('inference in worker threads', () => {
  it('keeps answering /health while images are inferred', async () => {
    const server = await startApp(service({ concurrency: 2, queueLimit: 8 }).app);
    try {
      const large = await sharp(photo).resize(2000).jpeg({ quality: 90 }).toBuffer();
      let analysedAt = Number.POSITIVE_INFINITY;
      const analyses = Promise.all(
        Array.from({ length: 4 }, async () => {
          const res = await fetch(`${server.url}/api/vision/analyze`, {
            method: 'POST',
            headers: { 'content-type': 'image/jpeg' },
            body: large,
          });
          expect(res.status).toBe(200);
          return ((await res.json()) as { timings: { inferenceMs: number } }).timings.inferenceMs;
        }),
      ).finally(() => {
        analysedAt = performance.now();
      });
      const health: { answeredAt: number; ms: number }[] = [];
      let done = false;
      void analyses.finally(() => {
        done = true;
      });
      while (!done) {
        const started = performance.now();
        const res = await fetch(`${server.url}/health`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        health.push({ answeredAt: performance.now(), ms: performance.now() - started });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const inferenceMs = await analyses;
      // Answers kept coming while the images were being analysed...
      const duringAnalysis = health.filter((h) => h.answeredAt < analysedAt);
      expect(duringAnalysis.length).toBeGreaterThanOrEqual(3);
      // ...and none waited for an inference: each took well under the shortest one.
      const slowest = Math.max(...duringAnalysis.map((h) => h.ms));
      expect(slowest).toBeLessThan(Math.min(...inferenceMs) / 2);
    } finally {
      await server.close();
    }
  }, 90_000); // four large images on a loaded CI machine take a while

  it('answers 503 when a worker crashes mid-image, fails readiness, and restarts the worker', async () => {
    const crashing = new DetectorPool({
      workerUrl: new URL('./fixtures/crashing-detector-worker.ts', import.meta.url),
    });
    const { app: crashy } = service({ detector: crashing });
    try {
      const loading = crashing.load();
      const early = await request(crashy).get('/health/ready');
      expect(early.status).toBe(503);
      expect(early.body.checks.models).toMatchObject({ status: 'fail', error: 'models are loading' });
      await loading;
      expect((await request(crashy).get('/health/ready')).status).toBe(200);
      expect(crashing.liveTensors()).toBe(7);

      const res = await request(crashy).post('/api/vision/analyze').set('content-type', 'image/png').send(shapes);
      expectProblem(
        res,
        503,
        'not_ready',
        /detection worker crashed while analysing this image .*simulated abort.*retry/,
      );
      const ready = await request(crashy).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.models.error).toMatch(/1 of 1 detection workers crashed .*simulated abort/);
      expect((await request(crashy).get('/health')).status).toBe(200);

      // Restarted: ready again, and it takes images again.
      await expect.poll(async () => (await request(crashy).get('/health/ready')).status, { timeout: 5000 }).toBe(200);
      expect(crashing.liveTensors()).toBe(7);
      const metrics = (await request(crashy).get('/metrics')).text;
      expect(metrics).toContain('vision_analyses_total{result="failed",service="ai-vision"} 1');
      expect(metrics).toContain('vision_rejected_total{reason="not_ready",service="ai-vision"} 1');
    } finally {
      await crashing.close();
    }
  });

  it('fails images waiting or running when it is closed, and terminates its workers', async () => {
    const pool = new DetectorPool();
    await pool.load();
    const rgb = new Uint8Array(64 * 64 * 3).fill(128);
    const running = pool.detect({ rgb, width: 64, height: 64, originalWidth: 64, originalHeight: 64 });
    expect(rgb.byteLength, 'the pixels were transferred, not copied').toBe(0);
    const closing = pool.close();
    await expect(running).rejects.toThrow(/shutting down/);
    await closing;
    expect(pool.ready).toBe(false);
    expect(() => pool.status()).toThrow(/closed/);
    await expect(
      pool.detect({ rgb: new Uint8Array(3), width: 1, height: 1, originalWidth: 1, originalHeight: 1 }),
    ).rejects.toThrow(/shutting down/);
  });
});

describe('POST /api/vision/compare', () => {
  const compare = (a: Buffer, b: Buffer) =>
    request(app).post('/api/vision/compare').attach('a', a, 'a.png').attach('b', b, 'b.png');

  it('calls a re-encoded, resized copy a near-duplicate', async () => {
    const copy = await reencoded(shapes);
    const res = await compare(shapes, copy);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      distance: expect.any(Number),
      threshold: 10,
      nearDuplicate: true,
      a: { phash: expect.stringMatching(/^[0-9a-f]{16}$/), width: 480, height: 320 },
      b: { phash: expect.stringMatching(/^[0-9a-f]{16}$/), width: 384, height: 256 },
    });
    expect(res.body.distance).toBeLessThanOrEqual(4);
    expect((await compare(shapes, shapes)).body.distance).toBe(0);
  });

  it('tells different images apart, with an adjustable threshold', async () => {
    const stripes = await stripesPng();
    const res = await compare(shapes, stripes);
    expect(res.body.nearDuplicate).toBe(false);
    expect(res.body.distance).toBeGreaterThan(16);
    const lenient = await request(app)
      .post('/api/vision/compare?threshold=64')
      .attach('a', shapes, 'a.png')
      .attach('b', stripes, 'b.png');
    expect(lenient.body).toMatchObject({ threshold: 64, nearDuplicate: true });
  });

  it('refuses missing fields, bad thresholds, raw bodies and broken images', async () => {
    expectProblem(
      await request(app).post('/api/vision/compare').attach('a', shapes, 'a.png'),
      400,
      'missing_field',
      /field `b` is missing/,
    );
    const bad = await request(app).post('/api/vision/compare?threshold=65').attach('a', shapes).attach('b', shapes);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'threshold', message: 'must be from 0 to 64' }]);
    expectProblem(
      await request(app).post('/api/vision/compare').set('content-type', 'image/png').send(shapes),
      415,
      'unsupported_type',
      /multipart\/form-data with file fields `a` and `b`/,
    );
    expectProblem(
      await compare(shapes, truncated(shapes)),
      422,
      'corrupt',
      /^image `b`: the png image could not be decoded/,
    );
    expectProblem(await compare(Buffer.from('text'), shapes), 415, 'not_an_image', /^image `a`: /);
  });
});

describe('metrics', () => {
  it('counts analyses, rejections and inference time', async () => {
    const fresh = service().app;
    await request(fresh)
      .post('/api/vision/analyze')
      .set('content-type', 'image/png')
      .send(await solid(64, 48, '#abcdef'));
    await request(fresh).post('/api/vision/analyze').set('content-type', 'image/png').send(Buffer.from('nope'));
    await request(fresh).post('/api/vision/compare').attach('a', shapes, 'a.png');
    const text = (await request(fresh).get('/metrics')).text;
    expect(text).toContain('vision_analyses_total{result="ok",service="ai-vision"} 1');
    expect(text).toContain('vision_analyses_total{result="rejected",service="ai-vision"} 1');
    expect(text).toContain('vision_rejected_total{reason="not_an_image",service="ai-vision"} 1');
    expect(text).toContain('vision_rejected_total{reason="missing_field",service="ai-vision"} 1');
    expect(text).toContain('vision_inference_duration_seconds_count{service="ai-vision"} 1');
    expect(text).toContain('vision_queue_depth{service="ai-vision"} 0');
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/api\/vision\/analyze",status="415"[^}]*\} 1\n/);
  });

  it('exports the live tensor count, which inference does not grow', async () => {
    const fresh = service().app;
    const tensors = async () =>
      Number(/^vision_tensors\{[^}]*\} (\d+)$/m.exec((await request(fresh).get('/metrics')).text)?.[1]);
    const analyze = () =>
      request(fresh).post('/api/vision/analyze').set('content-type', 'image/png').send(shapes).expect(200);
    await analyze();
    const before = await tensors();
    expect(before, 'the loaded model weights').toBeGreaterThan(0);
    await analyze();
    await analyze();
    expect(await tensors()).toBe(before);
  });
});

describe('model lifecycle', () => {
  it('loads the models when the service starts, not when it is built, and frees them on shutdown', async () => {
    const calls: string[] = [];
    const fake = {
      ready: false,
      status: () => ({ state: 'idle' }) as never,
      liveTensors: () => 0,
      detect: () => Promise.reject(new Error('not used')),
      load: async () => {
        calls.push('load');
      },
      close: () => {
        calls.push('close');
      },
    };
    const built = createVisionService({ logger, detector: fake });
    expect(calls, 'building loads nothing').toEqual([]);
    await built.start();
    expect(calls).toEqual(['load']);
    for (const resource of [...built.resources].reverse()) await resource.close();
    expect(calls).toEqual(['load', 'close']);
  });
});
