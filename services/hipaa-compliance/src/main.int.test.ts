// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, with the HIPAA rule pack and its PHI extension.
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('hipaa-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/hipaa-compliance/${path}`;
  const json = { 'content-type': 'application/json' };
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname, {}, ['clinician', 'billing']);
  });
  afterAll(async () => service?.stop());

  it('serves the HIPAA rule pack in New York time', async () => {
    const regime = (await (await fetch(api('regime'), { headers: service.as('auditor') })).json()) as {
      requestTypes: { type: string }[];
    };
    expect(regime).toMatchObject({ regime: 'hipaa', name: 'HIPAA (United States)', timeZone: 'America/New_York' });
    expect(regime.requestTypes.map((r) => r.type)).toContain('access');
  });

  it('limits a billing read to the minimum necessary and puts it in the accounting of disclosures', async () => {
    const created = await fetch(api('phi/records'), {
      method: 'POST',
      headers: { ...service.as('clinician'), ...json },
      body: JSON.stringify({
        patient: 'customer_id:MRN-900001',
        name: 'Grace Hopper',
        dateOfBirth: '1936-12-09',
        address: { line1: '1 Main St', city: 'Albany', state: 'NY', postalCode: '12207' },
        phone: '+1 212 555 0100',
        diagnoses: [{ code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' }],
        clinicalNotes: 'Well controlled on metformin.',
        billingCodes: ['99214'],
        insurance: { payer: 'Empire Plan', memberId: 'EMP1234567' },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const read = await fetch(api(`phi/records/${id}?purpose=payment`), { headers: service.as('billing') });
    expect(read.status, await read.clone().text()).toBe(200);
    const record = (await read.json()) as { fields: Record<string, unknown>; withheld: string[] };
    expect(record.fields.diagnoses).toEqual([{ code: 'E11.9' }]);
    expect(record.withheld).toEqual(expect.arrayContaining(['phone', 'clinicalNotes']));

    const refused = await fetch(api(`phi/records/${id}?purpose=research`), { headers: service.as('billing') });
    expect(refused.status).toBe(403);

    const accounting = await fetch(api('phi/accounting?patient=customer_id:MRN-900001'), {
      headers: service.as('auditor'),
    });
    expect(accounting.status).toBe(200);
    const { entries } = (await accounting.json()) as {
      entries: { accessor: string; role: string; purpose: string; outcome: string }[];
    };
    expect(entries.map((e) => [e.accessor, e.role, e.purpose, e.outcome].join(' '))).toEqual([
      'billing-1 billing payment ok',
      'billing-1 billing research refused',
    ]);
  });
});
