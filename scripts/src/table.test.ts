import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatDuration, renderTable } from './table.ts';

describe('formatDuration', () => {
  it('reads well from milliseconds to minutes', () => {
    expect(formatDuration(850.4)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
  });
});

describe('renderTable', () => {
  it('aligns service, URL, status, time to ready and detail, with a count per status', () => {
    const table = stripVTControlCharacters(
      renderTable([
        { name: 'ai-sentiment', url: 'http://127.0.0.1:3011', status: 'ready', readyMs: 1234 },
        {
          name: 'ai-chatbot',
          url: 'http://127.0.0.1:3012',
          status: 'failed',
          detail: 'port 3012 is in use by another process',
        },
        { name: 'gdpr-compliance', status: 'not in repo yet' },
        { name: 'ai-vision', url: 'http://127.0.0.1:3013', status: 'ready', readyMs: 420 },
      ]),
    );
    expect(table.split('\n')).toEqual([
      '  service          url                    status           ready in',
      '  ai-sentiment     http://127.0.0.1:3011  ready            1.2 s',
      '  ai-chatbot       http://127.0.0.1:3012  failed                     port 3012 is in use by another process',
      '  gdpr-compliance  —                      not in repo yet',
      '  ai-vision        http://127.0.0.1:3013  ready            420 ms',
      '',
      '  2 ready, 1 failed, 1 not in repo yet',
      '',
    ]);
  });
});
