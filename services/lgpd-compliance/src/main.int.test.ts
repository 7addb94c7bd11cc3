// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, answering with the LGPD rule pack.
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('lgpd-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/lgpd-compliance/${path}`;
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname, { DEMO_SEED: 'true' });
  });
  afterAll(async () => service?.stop());

  it('serves the ten legal bases of Art. 7 and São Paulo time', async () => {
    const regime = (await (await fetch(api('regime'), { headers: service.as('auditor') })).json()) as {
      lawfulBases: unknown[];
    };
    expect(regime).toMatchObject({ regime: 'lgpd', timeZone: 'America/Sao_Paulo', extension: null });
    expect(regime.lawfulBases).toHaveLength(10);
  });

  it('seeds demo data once, with one overdue request the summary and the metric show', async () => {
    const summary = (await (await fetch(api('summary'), { headers: service.as('auditor') })).json()) as {
      requests: object;
    };
    expect(summary.requests).toMatchObject({ overdue: 1 });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^compliance_requests_overdue\{regime="lgpd",service="lgpd-compliance"\} 1$/m);
  });

  it('records a breach found on a Friday evening: the ANPD by the end of the third business day', async () => {
    const res = await fetch(api('breaches'), {
      method: 'POST',
      headers: { ...service.as('dpo'), 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Vazamento de planilha',
        detectedAt: '2026-11-27T19:30:00-03:00',
        categories: ['CPF', 'email'],
        affectedCount: 300,
        risk: 'medium',
      }),
    });
    expect(res.status).toBe(201);
    const breach = (await res.json()) as { obligations: { recipientName: string; dueAt: string }[] };
    // Friday 27 Nov → Mon 30, Tue 1, Wed 2 December.
    expect(breach.obligations.map((o: { recipientName: string; dueAt: string }) => [o.recipientName, o.dueAt])).toEqual(
      [
        ['ANPD', '2026-12-03T02:59:59.999Z'],
        [expect.any(String), '2026-12-03T02:59:59.999Z'],
      ],
    );
  });
});
