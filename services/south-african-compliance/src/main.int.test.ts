// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, with the POPIA/PAIA rule pack and its extension.
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('south-african-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/south-african-compliance/${path}`;
  const post = (role: string, path: string, body: object) =>
    fetch(api(path), {
      method: 'POST',
      headers: { ...service.as(role), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname, { DEMO_SEED: 'true' }, [
      'marketing',
    ]);
  });
  afterAll(async () => service?.stop());

  it('answers a PAIA access request within 30 days, skipping a Sunday and Freedom Day', async () => {
    const res = await post('operator', 'requests', {
      type: 'access',
      subject: 'national_id:8504125123082',
      receivedAt: '2026-03-27',
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'received', dueAt: '2026-04-28T21:59:59.999Z' });
  });

  it('serves the demo Information Officer, registered with the Information Regulator', async () => {
    const res = await fetch(api('popia/information-officer'), { headers: service.as('auditor') });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      registered: true,
      officer: { email: 'information.officer@example.co.za' },
    });
  });

  it('allows one direct-marketing approach without consent and refuses the second (s.69)', async () => {
    const subject = 'email:nomvula.khumalo@example.co.za';
    const first = await post('marketing', 'popia/marketing/approaches', { subject, channel: 'email' });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ kind: 'consent_request' });
    const second = await post('marketing', 'popia/marketing/approaches', { subject, channel: 'sms' });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { detail: string }).detail).toMatch(/s\.69\(1\)\(b\) allows a single approach/);
    // The demo subject approached once six days ago is refused the same way.
    const seeded = { subject: 'email:sipho.dlamini@example.co.za', channel: 'email' };
    expect((await post('marketing', 'popia/marketing/approaches', seeded)).status).toBe(409);
  });
});
