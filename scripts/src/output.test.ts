import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { batchedWriter, renderLogLine, terminalLineLimit } from './output.ts';

const render = (line: string) => stripVTControlCharacters(renderLogLine(line));

describe('renderLogLine', () => {
  it('shows a pino line as level, message and its plain fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: 1,
      pid: 9,
      hostname: 'h',
      msg: 'listening',
      port: 3011,
      service: 'x',
    });
    expect(render(line)).toBe('info  listening port=3011');
  });

  it('accepts levels formatted as labels and quotes values with spaces', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-01-01T00:00:00Z',
      msg: 'slow upstream',
      upstream: 'ai sentiment',
    });
    expect(render(line)).toBe('warn  slow upstream upstream="ai sentiment"');
  });

  it('summarises a request log and an error', () => {
    const request = {
      level: 30,
      msg: 'request completed',
      req: { id: 1, method: 'POST', url: '/analyze' },
      res: { statusCode: 201 },
      responseTime: 4,
    };
    expect(render(JSON.stringify(request))).toBe('info  request completed POST /analyze → 201 4 ms');
    const failure = {
      level: 50,
      msg: 'query failed',
      err: { type: 'PrismaClientKnownRequestError', message: 'Unique constraint', stack: '…' },
    };
    expect(render(JSON.stringify(failure))).toBe('error query failed PrismaClientKnownRequestError: Unique constraint');
  });

  it('leaves every other line as it is', () => {
    for (const line of ['plain text', '{ broken json', '{"msg":"no level"}', '[1,2]']) expect(render(line)).toBe(line);
  });
});

describe('batchedWriter', () => {
  it('passes on what one turn of the event loop wrote as one write, in order, and flushes on demand', async () => {
    const writes: string[] = [];
    const terminal = batchedWriter((text) => writes.push(text));
    terminal.write('a\n');
    terminal.write('b\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    terminal.write('c\n');
    terminal.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    terminal.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2); // nothing pending, nothing written
  });
});

describe('terminalLineLimit', () => {
  const info = '{"level":"info","time":"2026-12-07T16:00:00.000Z","msg":"request completed"}';
  const debug = '{"level":20,"msg":"cache hit"}';
  const warn = '{"level":"warn","msg":"request aborted by the client"}';

  it('lets through a service’s first lines of each second and counts the routine ones after', () => {
    let clock = 0;
    const limit = terminalLineLimit(3, () => clock);
    const admitted = [info, debug, info, info, debug, info].map((line) => limit.admit('ai-sentiment', line));
    expect(admitted).toEqual([true, true, true, false, false, false]);
    // Another service has its own allowance.
    expect(limit.admit('main-app', info)).toBe(true);
    expect(limit.takeHeld()).toEqual([['ai-sentiment', 3]]);
    expect(limit.takeHeld()).toEqual([]);
    clock = 1000;
    expect(limit.admit('ai-sentiment', info)).toBe(true);
  });

  it('always lets through warnings, errors and lines that are not routine log records', () => {
    const limit = terminalLineLimit(1, () => 0);
    expect(limit.admit('ai-vision', info)).toBe(true);
    expect(
      [warn, 'Error: boom', '    at main (src/main.ts:3:9)', '{"level":"error"}'].map((line) =>
        limit.admit('ai-vision', line),
      ),
    ).toEqual([true, true, true, true]);
    expect(limit.admit('ai-vision', info)).toBe(false);
    expect(limit.takeHeld()).toEqual([['ai-vision', 1]]);
  });
});
