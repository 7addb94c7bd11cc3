// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, answering with the CCPA/CPRA rule pack.
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('ccpa-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/ccpa-compliance/${path}`;
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname);
  });
  afterAll(async () => service?.stop());

  it('files a request to know received before Thanksgiving: 45 days, a 10-business-day confirmation, 12 months back', async () => {
    const res = await fetch(api('requests'), {
      method: 'POST',
      headers: { ...service.as('operator'), 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'know', subject: 'email:sam@example.com', receivedAt: '2026-11-20T10:00:00-08:00' }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string };
    expect(created).toMatchObject({
      timeZone: 'America/Los_Angeles',
      dueAt: '2027-01-05T07:59:59.999Z', // Monday 2027-01-04, end of day in California
      lookBackFrom: '2025-11-20T08:00:00.000Z',
      interim: [expect.objectContaining({ name: 'confirmation', dueAt: '2026-12-08T07:59:59.999Z' })],
    });
    const extend = (body: object) =>
      fetch(api(`requests/${created.id}/extend`), {
        method: 'POST',
        headers: { ...service.as('dpo'), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(((await (await extend({ reason: 'volume of records' })).json()) as { dueAt: string }).dueAt).toBe(
      '2027-02-19T07:59:59.999Z',
    );
    expect((await extend({ reason: 'again' })).status).toBe(422);
  });

  it('honours an opt-out within 15 business days, with no extension', async () => {
    const res = await fetch(api('requests'), {
      method: 'POST',
      headers: { ...service.as('operator'), 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'opt_out_sale_sharing',
        subject: 'email:sam@example.com',
        receivedAt: '2026-11-20T10:00:00-08:00',
      }),
    });
    expect(((await res.json()) as { dueAt: string }).dueAt).toBe('2026-12-15T07:59:59.999Z');
  });
});
