// The Operations page's rules: who is offered which control, recoveries and their refusals in
// words, and what a snapshot or a restore did.
import { describe, expect, it } from 'vitest';
import type { SnapshotOutcome, SnapshotSummary } from './api.ts';
import {
  actorInWords,
  claimHolder,
  contentsInWords,
  mayRecover,
  mayRestore,
  maySnapshot,
  opsControls,
  outcomesOf,
  outcomeTone,
  recoveredNotice,
  recoverRefusal,
  restoredNotice,
  restoreTarget,
  restoreTargetError,
  snapshotNotice,
} from './operations.ts';

const NONE = { recover: false, snapshot: false, restore: false };
const snapshot = (totalBytes: number): SnapshotSummary => ({
  id: '20261207T130000000Z-lgpd-compliance-postgres-1a2b3c4d',
  service: 'lgpd-compliance',
  kind: 'postgres',
  database: 'azora_lgpd_compliance',
  format: 'pg_dump-custom',
  trigger: 'manual',
  startedAt: '2026-12-07T13:00:00.000Z',
  finishedAt: '2026-12-07T13:00:01.000Z',
  durationMs: 812,
  instance: 'host:1:abc',
  fencingToken: 3,
  source: { server: 'postgres', version: '15.20' },
  totalBytes,
  contents: { tables: 9 },
});

describe('opsControls', () => {
  const both = (roles: readonly string[] | null) => ({ tracing: roles, snapshots: roles });
  const UNSAID = both(null);

  it('offers nothing signed out', () => {
    expect(opsControls(false, UNSAID, NONE)).toEqual(NONE);
    expect(opsControls(false, both(['admin']), NONE)).toEqual(NONE);
  });

  it('offers by the roles each service answered', () => {
    expect(opsControls(true, both(['viewer']), NONE)).toEqual(NONE);
    expect(opsControls(true, both([]), NONE)).toEqual(NONE);
    expect(opsControls(true, both(['operator']), NONE)).toEqual({ recover: true, snapshot: true, restore: false });
    expect(opsControls(true, both(['admin']), NONE)).toEqual({ recover: true, snapshot: true, restore: true });
  });

  it('asks tracing-recovery about Recover and snapshot-scheduler about Snapshot now and Restore', () => {
    expect(opsControls(true, { tracing: ['operator'], snapshots: ['viewer'] }, NONE)).toEqual({
      recover: true,
      snapshot: false,
      restore: false,
    });
    expect(opsControls(true, { tracing: ['viewer'], snapshots: ['admin'] }, NONE)).toEqual({
      recover: false,
      snapshot: true,
      restore: true,
    });
    // One service could not say: its controls are offered, the other's follow its answer.
    expect(opsControls(true, { tracing: null, snapshots: ['viewer'] }, NONE)).toEqual({
      recover: true,
      snapshot: false,
      restore: false,
    });
    expect(opsControls(true, { tracing: ['viewer'], snapshots: null }, NONE)).toEqual({
      recover: false,
      snapshot: true,
      restore: true,
    });
  });

  it('offers everything when neither service could say the roles, until one refuses', () => {
    expect(opsControls(true, UNSAID, NONE)).toEqual({ recover: true, snapshot: true, restore: true });
    expect(opsControls(true, UNSAID, { ...NONE, recover: true })).toEqual({
      recover: false,
      snapshot: true,
      restore: true,
    });
    // Refused a snapshot: neither operator nor admin there, so no restore either.
    expect(opsControls(true, UNSAID, { ...NONE, snapshot: true })).toEqual({
      recover: true,
      snapshot: false,
      restore: false,
    });
    expect(opsControls(true, UNSAID, { ...NONE, restore: true })).toEqual({
      recover: true,
      snapshot: true,
      restore: false,
    });
  });

  it('takes a control away when refused, whatever the roles said (they changed since)', () => {
    expect(opsControls(true, both(['admin']), { recover: true, snapshot: false, restore: true })).toEqual({
      recover: false,
      snapshot: true,
      restore: false,
    });
    expect(opsControls(true, both(['admin']), { ...NONE, snapshot: true })).toEqual({
      recover: true,
      snapshot: false,
      restore: false,
    });
  });
});

describe('mayRecover, maySnapshot, mayRestore', () => {
  it('follow the roles, and offer when the service could not say', () => {
    for (const may of [mayRecover, maySnapshot]) {
      expect(may(['operator'])).toBe(true);
      expect(may(['admin'])).toBe(true);
      expect(may(['viewer', 'auditor'])).toBe(false);
      expect(may(null)).toBe(true);
    }
    expect(mayRestore(['admin'])).toBe(true);
    expect(mayRestore(['operator'])).toBe(false);
    expect(mayRestore(null)).toBe(true);
  });
});

describe('claims and actors', () => {
  const now = Date.parse('2026-12-07T13:00:00.000Z');
  it('counts a claim only while its lease runs', () => {
    expect(claimHolder({ claimedBy: 'operator:ana', claimedUntil: '2026-12-07T13:01:00.000Z' }, now)).toBe(
      'operator:ana',
    );
    expect(claimHolder({ claimedBy: 'operator:ana', claimedUntil: '2026-12-07T12:59:00.000Z' }, now)).toBeNull();
    expect(claimHolder({ claimedBy: null, claimedUntil: null }, now)).toBeNull();
  });

  it('names who acted as people say it', () => {
    expect(actorInWords('operator:e2e-operator')).toBe('operator e2e-operator');
    expect(actorInWords('detector@host-1:42')).toBe('the detector (host-1:42)');
    expect(actorInWords('snapshot-scheduler')).toBe('snapshot-scheduler');
  });
});

describe('recoveries in words', () => {
  it('says what an action did', () => {
    expect(
      recoveredNotice({ service: 'ai-vision', action: 'restart', outcome: 'succeeded', detail: 'container restarted' }),
    ).toBe('Restart of ai-vision succeeded: container restarted');
    expect(
      recoveredNotice({
        service: 'ai-vision',
        action: 'restart',
        outcome: 'dry_run',
        detail: 'DRY_RUN: would restart',
      }),
    ).toBe('Restart of ai-vision recorded as a dry run, nothing was done: DRY_RUN: would restart');
    expect(recoveredNotice({ service: 'ai-vision', action: 'restart', outcome: 'failed', detail: null })).toBe(
      'Restart of ai-vision failed.',
    );
  });

  it('says why a recovery was refused or is not for now', () => {
    const issue = { subject: 'ai-vision' };
    expect(
      recoverRefusal(issue, { status: 422, message: 'no runtime: neither a Docker socket nor DEV_CONTROL_URL' }, 'UTC'),
    ).toBe('ai-vision was not restarted: no runtime: neither a Docker socket nor DEV_CONTROL_URL.');
    expect(
      recoverRefusal(
        issue,
        {
          status: 409,
          message: 'issue 1 is being handled by detector@host:7 until 2026-12-07T13:01:00.000Z',
        },
        'UTC',
      ),
    ).toBe('Not now: the detector (host:7) is handling this issue until 2026-12-07 13:01 UTC. Try again after that.');
    expect(recoverRefusal(issue, { status: 409, message: 'issue 1 is closed (ready again)' }, 'UTC')).toBe(
      'Nothing to do: the issue is already closed (ready again).',
    );
    expect(
      recoverRefusal(
        issue,
        {
          status: 409,
          message: 'backing off after 2 attempts: the next attempt is allowed at 2026-12-07T13:02:00.000Z',
        },
        'UTC',
      ),
    ).toBe('Not yet: backing off after 2 attempts; the next attempt is allowed at 2026-12-07 13:02 UTC.');
    expect(recoverRefusal(issue, { status: 404, message: 'no issue 1' }, 'UTC')).toBe('This issue no longer exists.');
  });

  it('colours outcomes by what they mean', () => {
    expect(outcomeTone('succeeded')).toBe('ready');
    expect(outcomeTone('failed')).toBe('down');
    expect(outcomeTone('budget_exhausted')).toBe('degraded');
    expect(outcomeTone('unsupported')).toBe('not_deployed');
  });
});

describe('snapshots in words', () => {
  it('says what each target of Snapshot now gave, sizes included', () => {
    const outcomes: SnapshotOutcome[] = [
      {
        service: 'lgpd-compliance',
        kind: 'postgres',
        database: 'azora_lgpd_compliance',
        outcome: 'success',
        snapshot: snapshot(45_210),
      },
      {
        service: 'ai-chatbot',
        kind: 'redis',
        database: 'chatbot:',
        outcome: 'failed',
        reason: 'connection refused',
      },
      {
        service: 'sox-compliance',
        kind: 'postgres',
        database: 'azora_sox_compliance',
        outcome: 'skipped',
        reason: 'database "azora_sox_compliance" does not exist',
      },
    ];
    expect(snapshotNotice(outcomes.slice(0, 1))).toBe("Snapshot taken: lgpd-compliance's Postgres (45.2 kB).");
    expect(snapshotNotice(outcomes)).toBe(
      "Snapshot taken: lgpd-compliance's Postgres (45.2 kB). Not taken: ai-chatbot's Redis failed (connection refused); sox-compliance's Postgres skipped (database \"azora_sox_compliance\" does not exist).",
    );
    expect(snapshotNotice([])).toBe('No snapshot was taken: nothing matched.');
  });

  it('reads the outcomes a refused request carries', () => {
    expect(outcomesOf({ outcomes: [] })).toEqual([]);
    expect(outcomesOf({ detail: 'x' })).toBeNull();
    expect(outcomesOf(undefined)).toBeNull();
  });

  it('counts contents and says what a restore did', () => {
    expect(contentsInWords({ tables: 1 })).toBe('1 table');
    expect(contentsInWords({ collections: 2, documents: 40 })).toBe('2 collections, 40 documents');
    expect(contentsInWords({})).toBe('nothing');
    expect(
      restoredNotice({
        snapshot: 'x',
        service: 'lgpd-compliance',
        kind: 'postgres',
        target: 'scratch',
        startedAt: '2026-12-07T13:00:00.000Z',
        durationMs: 1500,
        restored: { tables: 9 },
      }),
    ).toBe("Restored lgpd-compliance's Postgres snapshot into scratch in 1.5 s: 9 tables.");
  });
});

describe('restoreTarget', () => {
  const postgres = snapshot(1);
  it('takes a database name, and says what a Postgres one may be', () => {
    expect(restoreTarget(postgres, ' azora_lgpd_compliance ')).toEqual({ ok: true, target: 'azora_lgpd_compliance' });
    expect(restoreTarget(postgres, '')).toEqual({
      ok: false,
      error: 'Name where to restore, e.g. azora_lgpd_compliance.',
    });
    expect(restoreTarget(postgres, 'Scratch-DB')).toMatchObject({ ok: false });
    expect(restoreTarget({ kind: 'redis', database: 'chatbot:' }, 'chatbot-copy:')).toEqual({
      ok: true,
      target: 'chatbot-copy:',
    });
  });

  it("puts the service's refusal of a target beside the field", () => {
    expect(restoreTargetError({ status: 400, message: 'target: a Postgres target must be a database name' })).toBe(
      'A Postgres target must be a database name.',
    );
    expect(restoreTargetError({ status: 422, message: 'snapshot x is damaged' })).toBeNull();
  });
});
