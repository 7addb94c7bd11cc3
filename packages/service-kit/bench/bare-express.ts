// The baseline of the tracing benchmark: a bare Express 5 app answering the JSON the kit's
// /health answers, with nothing else in the request path (Express's defaults, ETag on), and
// GET /bench/rss for its resident memory.
import express from 'express';

const app = express();
app.get('/health', (_req, res) => {
  res.json({ status: 'ok', service: 'kit-bench', version: '0.1.0', uptimeSeconds: 0 });
});
app.get('/bench/rss', (_req, res) => {
  res.json({ rss: process.memoryUsage.rss() });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
