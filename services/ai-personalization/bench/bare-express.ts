// The baseline for the benchmark: a bare Express 5 app answering the same
// JSON body as the service's /health, with nothing else in the request path.
// BARE_ETAG=off turns off Express's default ETag hashing, which the service kit also turns off.
import express from 'express';

const app = express();
if (process.env.BARE_ETAG === 'off') app.set('etag', false);
app.get('/health', (_req, res) => {
  res.json({ status: 'ok', service: 'ai-personalization', version: '0.1.0', uptimeSeconds: 0 });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
