// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, answering with the GDPR rule pack.
import { spawnSync } from 'node:child_process';
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('gdpr-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/gdpr-compliance/${path}`;
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname);
  });
  afterAll(async () => service?.stop());

  it('serves the GDPR rule pack: Arts. 15–22, the six lawful bases, Brussels time', async () => {
    const regime = (await (await fetch(api('regime'), { headers: service.as('auditor') })).json()) as {
      lawfulBases: { id: string }[];
      requestTypes: { legalReference: string }[];
    };
    expect(regime).toMatchObject({
      regime: 'gdpr',
      name: 'GDPR (EU)',
      timeZone: 'Europe/Brussels',
      pausesWhileVerifying: true,
    });
    expect(regime.lawfulBases.map((b: { id: string }) => b.id)).toEqual([
      'consent',
      'contract',
      'legal_obligation',
      'vital_interests',
      'public_task',
      'legitimate_interests',
    ]);
    expect(regime.requestTypes.map((r: { legalReference: string }) => r.legalReference).join(' ')).toMatch(
      /Art\. 15.*Art\. 22/,
    );
  });

  it('files a request received on 31 January: one month is the last day of February', async () => {
    const res = await fetch(api('requests'), {
      method: 'POST',
      headers: { ...service.as('operator'), 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'access',
        subject: 'email:anna@example.eu',
        receivedAt: '2026-01-31T10:00:00+01:00',
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string };
    expect(created).toMatchObject({ status: 'received', clockPaused: true });
    const verify = await fetch(api(`requests/${created.id}/verify`), {
      method: 'POST',
      headers: { ...service.as('operator'), 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'signed-in account' }),
    });
    expect(verify.status).toBe(200);
  });

  it('refuses to start without its identity keys, naming the variable (exit 78)', () => {
    const entry = new URL('./main.ts', import.meta.url).pathname;
    const env = { ...process.env, IDENTIFIER_HASH_KEY: 'too-short', ENCRYPTION_KEYS: '' };
    const run = spawnSync(process.execPath, ['--conditions=@azora/source', entry], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(
      /gdpr-compliance: invalid configuration: IDENTIFIER_HASH_KEY: .*32 bytes .*\(value hidden\)/,
    );
  });
});
