import { describe, expect, it } from 'vitest';
import { expiredSnapshots } from './retention.ts';

const now = new Date('2025-03-10T12:00:00Z');
const at = (iso: string, service = 'gdpr-compliance') => ({
  id: `${service}@${iso}`,
  service,
  kind: 'postgres' as const,
  database: `azora_${service}`,
  startedAt: iso,
});

describe('retention', () => {
  it('keeps the N newest, plus the newest of each of the last D days, and deletes the rest', () => {
    const manifests = [
      at('2025-03-10T11:00:00.000Z'),
      at('2025-03-10T10:00:00.000Z'),
      at('2025-03-10T09:00:00.000Z'),
      at('2025-03-09T23:00:00.000Z'), // newest of the 9th: a daily keeper
      at('2025-03-09T22:00:00.000Z'),
      at('2025-03-08T05:00:00.000Z'), // newest of the 8th: a daily keeper
      at('2025-03-07T05:00:00.000Z'), // beyond 3 days
    ];
    const expired = expiredSnapshots(manifests, { keep: 2, dailyDays: 3 }, now);
    expect(expired.sort()).toEqual(
      [
        'gdpr-compliance@2025-03-10T09:00:00.000Z',
        'gdpr-compliance@2025-03-09T22:00:00.000Z',
        'gdpr-compliance@2025-03-07T05:00:00.000Z',
      ].sort(),
    );
  });

  it('counts each service, kind and database on its own', () => {
    const manifests = [
      at('2025-03-10T11:00:00.000Z', 'a'),
      at('2025-03-10T10:00:00.000Z', 'a'),
      at('2025-03-10T09:00:00.000Z', 'b'),
    ];
    expect(expiredSnapshots(manifests, { keep: 1, dailyDays: 0 }, now)).toEqual(['a@2025-03-10T10:00:00.000Z']);
  });

  it('deletes nothing while there are at most N', () => {
    expect(expiredSnapshots([at('2025-01-01T00:00:00.000Z')], { keep: 1, dailyDays: 0 }, now)).toEqual([]);
  });
});
