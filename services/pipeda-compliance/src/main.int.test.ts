// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, with the PIPEDA rule pack and its RROSH extension.
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('pipeda-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/pipeda-compliance/${path}`;
  const post = (role: string, path: string, body: object) =>
    fetch(api(path), {
      method: 'POST',
      headers: { ...service.as(role), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname);
  });
  afterAll(async () => service?.stop());

  it('serves the ten fair information principles as controls, in Toronto time', async () => {
    const regime = (await (await fetch(api('regime'), { headers: service.as('auditor') })).json()) as {
      controls: unknown[];
    };
    expect(regime).toMatchObject({ regime: 'pipeda', name: 'PIPEDA (Canada)', timeZone: 'America/Toronto' });
    const assessment = (await (await fetch(api('assessment'), { headers: service.as('auditor') })).json()) as {
      controls: { legalReference: string }[];
    };
    expect(assessment.controls.map((c) => c.legalReference).join(' ')).toMatch(/4\.1\b.*4\.10\b/);
  });

  it('answers an access request within 30 days: received 30 January, due 2 March (a Sunday moves it on)', async () => {
    const res = await post('operator', 'requests', {
      type: 'access',
      subject: 'email:jean.tremblay@example.ca',
      receivedAt: '2026-01-30',
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'received', dueAt: '2026-03-03T04:59:59.999Z' });
  });

  it('evaluates a real risk of significant harm from its factors', async () => {
    const res = await post('operator', 'pipeda/rrosh/evaluate', {
      rrosh: { sensitivity: 'high', probabilityOfMisuse: 'medium', factors: [], rationale: 'SINs on a stolen laptop' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rrosh: object }).rrosh).toMatchObject({ outcome: 'real_risk' });
  });
});
