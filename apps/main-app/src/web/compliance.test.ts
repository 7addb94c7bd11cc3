// The Compliance page's rules: score bands (never green without an answer), relative times,
// what a degraded overview is missing, counts in a stable order, and the Acknowledge button.
import { describe, expect, it } from 'vitest';
import {
  breachStates,
  lastAnswered,
  listInWords,
  mayAcknowledge,
  missingParts,
  rejectionReasons,
  relativeTime,
  scoreBand,
  soonestFirst,
  total,
  words,
} from './compliance.ts';

const NOW = Date.parse('2026-12-07T13:00:00.000Z');

describe('scoreBand', () => {
  it('bands a score: 85 and up good, 60 and up fair, below poor', () => {
    expect(scoreBand({ reachable: true, score: 100 })).toBe('good');
    expect(scoreBand({ reachable: true, score: 85 })).toBe('good');
    expect(scoreBand({ reachable: true, score: 84 })).toBe('fair');
    expect(scoreBand({ reachable: true, score: 60 })).toBe('fair');
    expect(scoreBand({ reachable: true, score: 59 })).toBe('poor');
    expect(scoreBand({ reachable: true, score: 0 })).toBe('poor');
  });

  it('is unknown, never good, for a regime that did not answer or has no score', () => {
    expect(scoreBand({ reachable: false })).toBe('unknown');
    expect(scoreBand({ reachable: false, score: 100 } as never)).toBe('unknown');
    expect(scoreBand({ reachable: true, score: Number.NaN })).toBe('unknown');
    expect(scoreBand({ reachable: true } as never)).toBe('unknown');
  });
});

describe('relativeTime', () => {
  it('says the largest whole unit, ahead or behind', () => {
    expect(relativeTime('2026-12-10T13:00:00.000Z', NOW)).toBe('in 3 days');
    expect(relativeTime('2026-12-06T13:00:00.000Z', NOW)).toBe('yesterday');
    expect(relativeTime('2026-10-01T12:00:00.000Z', NOW)).toBe('67 days ago');
    expect(relativeTime('2026-12-07T15:30:00.000Z', NOW)).toBe('in 2 hours');
    expect(relativeTime('2026-12-07T12:55:00.000Z', NOW)).toBe('5 minutes ago');
  });

  it('says now within a minute, and nothing for a date it cannot read', () => {
    expect(relativeTime('2026-12-07T13:00:30.000Z', NOW)).toBe('now');
    expect(relativeTime('not a date', NOW)).toBe('');
  });
});

describe('missingParts', () => {
  const reachable = { service: 'lgpd-compliance', regime: 'lgpd', name: 'LGPD (Brazil)', reachable: true } as const;
  const down = (name: string) =>
    ({ service: 'x', regime: 'x', name, reachable: false, error: 'refused', lastSuccessAt: null }) as const;

  it('names the regimes that did not answer, in order, then the IoT integration', () => {
    const overview = {
      regimes: [down('GDPR (EU)'), reachable as never, down('CCPA/CPRA (California)')],
      iot: { reachable: false as const, error: 'refused', lastSuccessAt: null },
    };
    expect(missingParts(overview)).toEqual(['GDPR (EU)', 'CCPA/CPRA (California)', 'IoT integration']);
    expect(listInWords(missingParts(overview))).toBe('GDPR (EU), CCPA/CPRA (California) and IoT integration');
  });

  it('is empty when everything answered', () => {
    expect(missingParts({ regimes: [reachable as never], iot: { reachable: true } as never })).toEqual([]);
    expect(listInWords([])).toBe('');
    expect(listInWords(['GDPR'])).toBe('GDPR');
  });
});

describe('counts', () => {
  it('orders breach states open, contained, closed, then others by name', () => {
    expect(breachStates({ closed: 2, reported: 1, open: 1, contained: 0 })).toEqual([
      { state: 'open', count: 1 },
      { state: 'contained', count: 0 },
      { state: 'closed', count: 2 },
      { state: 'reported', count: 1 },
    ]);
  });

  it('lists rejection reasons most first, without the empty ones', () => {
    expect(rejectionReasons({ bad_signature: 2, unknown_device: 1, replayed: 0, malformed: 2 })).toEqual([
      { reason: 'bad_signature', count: 2 },
      { reason: 'malformed', count: 2 },
      { reason: 'unknown_device', count: 1 },
    ]);
    expect(total({ a: 2, b: 3 })).toBe(5);
    expect(words('bad_signature')).toBe('bad signature');
  });
});

describe('soonestFirst', () => {
  it('sorts by due date, then id, without changing the list it was given', () => {
    const given = [
      { id: 'b', dueAt: '2026-12-08T00:00:00.000Z' },
      { id: 'c', dueAt: '2026-10-01T00:00:00.000Z' },
      { id: 'a', dueAt: '2026-12-08T00:00:00.000Z' },
    ];
    expect(soonestFirst(given).map((d) => d.id)).toEqual(['c', 'a', 'b']);
    expect(given[0]?.id).toBe('b');
  });
});

describe('mayAcknowledge', () => {
  it('offers the button to a dpo, not to an auditor or operator, and leaves unknown roles to the dashboard', () => {
    expect(mayAcknowledge(['dpo'])).toBe(true);
    expect(mayAcknowledge(['auditor'])).toBe(false);
    expect(mayAcknowledge(['operator', 'auditor'])).toBe(false);
    expect(mayAcknowledge([])).toBe(false);
    expect(mayAcknowledge(null)).toBe(true);
  });
});

describe('lastAnswered', () => {
  it('says when the regime last answered, or that it has not since the dashboard started', () => {
    expect(lastAnswered('2026-12-07T12:00:00.000Z', (iso) => iso.slice(0, 10))).toBe('last answered 2026-12-07');
    expect(lastAnswered(null, String)).toBe('not reached since the dashboard started');
  });
});
