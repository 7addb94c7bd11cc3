// The dev runtime against a control API that answers as scripts/src/control.ts does
// (that server and the restart itself are tested in scripts/src/control.int.test.ts).
import { startApp } from '@azora/testing';
import { describe, expect, it } from 'vitest';
import { DevRuntime, RuntimeError } from './runtime.ts';

describe('the dev runtime', () => {
  it('restarts through POST /services/<name>/restart with the bearer token, and reports refusals', async () => {
    const seen: string[] = [];
    const control = await startApp((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== 'Bearer dev-token-0123456789') {
        res.statusCode = 401;
        return res.end('{"error":"send Authorization: Bearer <DEV_CONTROL_TOKEN>"}');
      }
      if (req.url === '/services')
        return res.end('{"services":[{"name":"ai-vision","state":"exited","pid":null,"restarts":3}]}');
      if (req.url === '/services/ai-vision/restart')
        return res.end('{"name":"ai-vision","previousState":"exited","state":"starting"}');
      res.statusCode = 404;
      res.end('{"error":"no supervised service"}');
    });
    try {
      const runtime = new DevRuntime({ url: control.url, token: 'dev-token-0123456789' });
      expect(await runtime.services()).toEqual([{ name: 'ai-vision', state: 'exited', pid: null, restarts: 3 }]);
      expect(await runtime.restart('ai-vision')).toEqual({
        action: 'start',
        detail: 'asked pnpm dev to restart ai-vision (was exited)',
      });
      expect(seen).toContain('POST /services/ai-vision/restart Bearer dev-token-0123456789');
      await expect(runtime.restart('zero-rating')).rejects.toThrow(/answered 404/);
      const wrong = new DevRuntime({ url: control.url, token: 'wrong-token-0123456789' });
      await expect(wrong.restart('ai-vision')).rejects.toThrow(RuntimeError);
    } finally {
      await control.close();
    }
    const gone = new DevRuntime({ url: control.url, token: 'dev-token-0123456789', timeoutMs: 1000 });
    await expect(gone.restart('ai-vision')).rejects.toThrow(/dev control API at/);
  });
});
