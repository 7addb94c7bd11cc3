// The Traces page's rules: the search checked as the service checks it, refusals beside their
// fields, the waterfall's rows in the order the spans ran with their bars inside the trace,
// durations and rates in words, and the service graph's columns.
import { describe, expect, it } from 'vitest';
import type { SpanNode } from './api.ts';
import {
  barOf,
  EMPTY_SEARCH,
  errorsInWords,
  formatMs,
  graphLayout,
  percent,
  rate,
  SEARCH_LIMIT,
  searchErrors,
  searchFrom,
  searchNotice,
  waterfallRows,
} from './traces.ts';

function span(spanId: string, offsetMs: number, durationMs: number, children: SpanNode[] = []): SpanNode {
  return {
    spanId,
    parentSpanId: null,
    service: 'main-app',
    name: spanId,
    kind: 'server',
    startTime: '2026-12-07T13:00:00.000Z',
    offsetMs,
    durationMs,
    depth: 0,
    error: false,
    statusMessage: null,
    attributes: {},
    children,
  };
}

describe('searchFrom', () => {
  it('sends only what was chosen, with the window and the limit', () => {
    expect(searchFrom(EMPTY_SEARCH)).toEqual({ ok: true, search: { sinceMinutes: 60, limit: SEARCH_LIMIT } });
    expect(searchFrom({ service: ' ai-vision ', minDuration: ' 1000 ms', errorsOnly: true, sinceMinutes: 15 })).toEqual(
      {
        ok: true,
        search: { service: 'ai-vision', minDurationMs: 1000, error: true, sinceMinutes: 15, limit: SEARCH_LIMIT },
      },
    );
    expect(searchFrom({ ...EMPTY_SEARCH, minDuration: '12.5' })).toMatchObject({ search: { minDurationMs: 12.5 } });
    expect(searchFrom({ ...EMPTY_SEARCH, minDuration: '1,500' })).toMatchObject({ search: { minDurationMs: 1500 } });
    // 0 is "any duration": no filter sent.
    expect(searchFrom({ ...EMPTY_SEARCH, minDuration: '0' })).toEqual({
      ok: true,
      search: { sinceMinutes: 60, limit: SEARCH_LIMIT },
    });
  });

  it('says what is wrong with a duration or a service name, field by field', () => {
    expect(searchFrom({ ...EMPTY_SEARCH, minDuration: 'slow' })).toEqual({
      ok: false,
      errors: { minDuration: 'Enter a number of milliseconds, 0 or more, e.g. 250.' },
    });
    expect(searchFrom({ ...EMPTY_SEARCH, minDuration: '-5' })).toMatchObject({ ok: false });
    expect(searchFrom({ ...EMPTY_SEARCH, minDuration: '86400001' })).toEqual({
      ok: false,
      errors: { minDuration: 'At most 86400000 ms (a day).' },
    });
    expect(searchFrom({ ...EMPTY_SEARCH, service: 'AI Vision', minDuration: 'x' })).toEqual({
      ok: false,
      errors: {
        service: 'A service name is lower-case letters, digits, dots and dashes, e.g. ai-chatbot.',
        minDuration: 'Enter a number of milliseconds, 0 or more, e.g. 250.',
      },
    });
  });
});

describe('searchErrors', () => {
  it("puts the service's words beside the field its query parameter is", () => {
    expect(
      searchErrors({ status: 400, errors: [{ path: 'minDurationMs', message: 'must be a number of milliseconds' }] }),
    ).toEqual({ fields: { minDuration: 'Must be a number of milliseconds' }, other: false });
    expect(searchErrors({ status: 400, errors: [{ path: 'service', message: 'too long' }] })).toEqual({
      fields: { service: 'Too long' },
      other: false,
    });
    expect(searchErrors({ status: 503, errors: [] })).toEqual({ fields: {}, other: true });
    expect(searchErrors({ status: 400, errors: [{ path: 'limit', message: 'too big' }] })).toEqual({
      fields: {},
      other: true,
    });
  });
});

describe('searchNotice', () => {
  it('says how many traces matched what, in which window', () => {
    const search = { sinceMinutes: 60, limit: 50 };
    expect(searchNotice(search, 13)).toBe('13 traces, in the last hour.');
    expect(searchNotice({ ...search, service: 'ai-vision', error: true }, 1)).toBe(
      '1 trace through ai-vision with errors, in the last hour.',
    );
    expect(searchNotice({ ...search, minDurationMs: 1000, sinceMinutes: 15 }, 0)).toBe(
      'No traces taking 1 s or more, in the last 15 minutes.',
    );
    expect(searchNotice(search, 50)).toBe('50 traces (the newest), in the last hour.');
  });
});

describe('formatMs', () => {
  it('reads as people say durations', () => {
    expect(formatMs(0.4237)).toBe('0.42 ms');
    expect(formatMs(7)).toBe('7 ms');
    expect(formatMs(43.25)).toBe('43.3 ms');
    expect(formatMs(480.4)).toBe('480 ms');
    expect(formatMs(1210)).toBe('1.21 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(Number.NaN)).toBe('—');
  });
});

describe('barOf', () => {
  it('places a span by its offset and duration, in percent of the trace', () => {
    expect(barOf(0, 48, 48)).toEqual({ left: 0, width: 100 });
    expect(barOf(20, 9, 48)).toEqual({ left: 41.67, width: 18.75 });
  });

  it('keeps every bar visible and inside the track', () => {
    expect(barOf(10, 0, 48).width).toBeGreaterThan(0);
    const late = barOf(48, 5, 48);
    expect(late.left + late.width).toBeLessThanOrEqual(100);
    expect(barOf(0, 5, 0)).toEqual({ left: 0, width: 100 });
    const over = barOf(40, 100, 48);
    expect(over.left + over.width).toBeLessThanOrEqual(100);
  });
});

describe('waterfallRows', () => {
  it('lists the spans depth first, each under its caller, siblings in the order they started', () => {
    const trace = {
      durationMs: 48,
      roots: [span('gateway', 0, 48, [span('late', 30, 10), span('proxy', 1, 20, [span('chat', 2, 18)])])],
    };
    expect(waterfallRows(trace).map((row) => [row.span.spanId, row.depth])).toEqual([
      ['gateway', 0],
      ['proxy', 1],
      ['chat', 2],
      ['late', 1],
    ]);
  });

  it('shows a span reached twice (broken data) once, and several roots in order', () => {
    const shared = span('shared', 5, 1);
    const rows = waterfallRows({ durationMs: 10, roots: [span('b', 3, 2, [shared]), span('a', 0, 1, [shared])] });
    expect(rows.map((row) => row.span.spanId)).toEqual(['a', 'shared', 'b']);
  });
});

describe('words for counts', () => {
  it('says errors, percentages and rates plainly', () => {
    expect(errorsInWords(0, 12)).toBe('none of 12 failed');
    expect(errorsInWords(0, 1)).toBe('no errors');
    expect(errorsInWords(1, 1)).toBe('1 of 1 failed (100%)');
    expect(errorsInWords(1, 20)).toBe('1 of 20 failed (5%)');
    expect(percent(0.0512)).toBe('5.1%');
    expect(percent(0)).toBe('0%');
    expect(rate(0)).toBe('0/s');
    expect(rate(0.004)).toBe('<0.01/s');
    expect(rate(0.0133)).toBe('0.01/s');
    expect(rate(12.4)).toBe('12/s');
  });
});

describe('graphLayout', () => {
  it('puts each service in the column after the longest chain of its callers', () => {
    const edges = [
      { caller: 'main-app', callee: 'ai-chatbot' },
      { caller: 'ai-chatbot', callee: 'ai-sentiment' },
      { caller: 'main-app', callee: 'ai-vision' },
      { caller: 'main-app', callee: 'ai-sentiment' },
    ];
    const { columns, at } = graphLayout(['ai-chatbot', 'ai-sentiment', 'ai-vision', 'main-app'], edges);
    expect(columns).toEqual([['main-app'], ['ai-chatbot', 'ai-vision'], ['ai-sentiment']]);
    expect(at.get('ai-vision')).toEqual({ column: 1, row: 1 });
  });

  it('ends on a cycle, with every service placed once', () => {
    const { columns, at } = graphLayout(
      ['a', 'b'],
      [
        { caller: 'a', callee: 'b' },
        { caller: 'b', callee: 'a' },
        { caller: 'a', callee: 'a' },
      ],
    );
    expect(columns.flat().sort()).toEqual(['a', 'b']);
    expect(at.size).toBe(2);
  });
});
