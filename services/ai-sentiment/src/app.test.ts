import { createLogger } from '@azora/service-kit';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createSentimentService } from './app.ts';

const { app } = createSentimentService({
  logger: createLogger('ai-sentiment', 'silent'),
  maxTextLength: 10_000,
  maxBatchSize: 100,
});

function expectProblem(res: request.Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.status).toBe(status);
  expect(res.body.detail).toMatch(detail);
}

describe('POST /api/sentiment/analyze', () => {
  it('answers scores, a label and the sentences', async () => {
    const res = await request(app)
      .post('/api/sentiment/analyze')
      .send({ text: 'The support team was not helpful at all.' });
    expect(res.status).toBe(200);
    expect(res.body.label).toBe('negative');
    expect(Object.keys(res.body).sort()).toEqual(['compound', 'label', 'neg', 'neu', 'pos', 'sentences']);
    expect(res.body.sentences).toHaveLength(1);
    expect(res.body.sentences[0]).toMatchObject({
      text: 'The support team was not helpful at all.',
      label: 'negative',
    });
  });

  it('handles unicode text', async () => {
    const res = await request(app)
      .post('/api/sentiment/analyze')
      .send({ text: 'Ngiyabonga! The new wallet is great 🎉' });
    expect(res.status).toBe(200);
    expect(res.body.label).toBe('positive');
  });

  it('rejects malformed JSON, a missing field, wrong types and blank text with 400', async () => {
    expectProblem(
      await request(app).post('/api/sentiment/analyze').set('content-type', 'application/json').send('{"text": "hi'),
      400,
      /malformed JSON/,
    );
    expectProblem(
      await request(app).post('/api/sentiment/analyze').send({}),
      400,
      /^invalid body: text: must be a string/,
    );
    expectProblem(await request(app).post('/api/sentiment/analyze').send({ text: 42 }), 400, /text: must be a string/);
    expectProblem(
      await request(app)
        .post('/api/sentiment/analyze')
        .send({ text: ['a'] }),
      400,
      /text: must be a string/,
    );
    expectProblem(
      await request(app).post('/api/sentiment/analyze').send({ text: '   ' }),
      400,
      /text: must not be empty/,
    );
    expectProblem(await request(app).post('/api/sentiment/analyze').send([]), 400, /invalid body/);
  });

  it('rejects a body that is not JSON with 415', async () => {
    expectProblem(
      await request(app).post('/api/sentiment/analyze').set('content-type', 'text/plain').send('I am happy'),
      415,
      /application\/json/,
    );
  });

  it('rejects a text over the length limit with 400 and a 2 MB body with 413', async () => {
    expectProblem(
      await request(app)
        .post('/api/sentiment/analyze')
        .send({ text: 'a'.repeat(10_001) }),
      400,
      /text: must be at most 10000 characters/,
    );
    expectProblem(
      await request(app)
        .post('/api/sentiment/analyze')
        .send({ text: 'good '.repeat(400_000) }),
      413,
      /limit is 1048576 bytes/,
    );
  });

  it('answers wrong methods on the route with 404', async () => {
    expect((await request(app).get('/api/sentiment/analyze')).status).toBe(404);
  });
});

describe('POST /api/sentiment/batch', () => {
  it('answers one result per text, in order', async () => {
    const texts = ['I love it.', 'I hate it.', 'It is a chair.'];
    const res = await request(app).post('/api/sentiment/batch').send({ texts });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.results.map((r: { label: string }) => r.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(res.body.results[0].sentences[0].text).toBe('I love it.');
  });

  it('bounds the number and length of texts', async () => {
    expectProblem(await request(app).post('/api/sentiment/batch').send({ texts: [] }), 400, /at least one text/);
    expectProblem(
      await request(app)
        .post('/api/sentiment/batch')
        .send({ texts: Array.from({ length: 101 }, () => 'ok') }),
      400,
      /at most 100 texts/,
    );
    const res = await request(app)
      .post('/api/sentiment/batch')
      .send({ texts: ['fine', 'x'.repeat(10_001), 7] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['texts[1]', 'texts[2]']);
    expectProblem(await request(app).post('/api/sentiment/batch').send({ texts: 'one text' }), 400, /must be an array/);
  });

  it('answers concurrent batches independently', async () => {
    const batches = Array.from({ length: 20 }, (_, i) => [`Batch ${i} is great.`, `Batch ${i} is awful.`]);
    const responses = await Promise.all(
      batches.map((texts) => request(app).post('/api/sentiment/batch').send({ texts })),
    );
    responses.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { sentences: { text: string }[] }) => r.sentences[0]?.text)).toEqual(batches[i]);
    });
  });
});

describe('service contract', () => {
  it('is ready with the lexicon loaded', async () => {
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks.lexicon.detail.words).toBeGreaterThan(7000);
  });

  it('exports domain metrics and HTTP metrics by route template', async () => {
    const fresh = createSentimentService({ logger: createLogger('ai-sentiment', 'silent') }).app;
    await request(fresh).post('/api/sentiment/analyze').send({ text: 'Great work!' });
    await request(fresh)
      .post('/api/sentiment/batch')
      .send({ texts: ['Awful.', 'Fine.'] });
    const text = (await request(fresh).get('/metrics')).text;
    expect(text).toContain('sentiment_analyses_total{label="positive",service="ai-sentiment"} 2');
    expect(text).toContain('sentiment_analyses_total{label="negative",service="ai-sentiment"} 1');
    expect(text).toContain('sentiment_text_length_characters_count{service="ai-sentiment"} 3');
    expect(text).toContain('sentiment_batch_size_sum{service="ai-sentiment"} 2');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/sentiment\/analyze",status="200"[^}]*\} 1\n/,
    );
  });
});
