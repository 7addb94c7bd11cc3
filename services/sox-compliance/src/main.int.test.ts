// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database, with the SOX rule pack and its controls extension.
import { startServiceProcess } from '@azora/compliance-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('sox-compliance', () => {
  let service: Awaited<ReturnType<typeof startServiceProcess>>;
  const api = (path: string) => `${service.url}/api/sox-compliance/${path}`;
  const post = (role: string, path: string, body: object = {}) =>
    fetch(api(path), {
      method: 'POST',
      headers: { ...service.as(role), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  beforeAll(async () => {
    service = await startServiceProcess(new URL('./main.ts', import.meta.url).pathname, { DEMO_SEED: 'true' }, [
      'change_requester|change_approver',
      'change_approver',
    ]);
  });
  afterAll(async () => service?.stop());

  it('serves the SOX rule pack: no data-subject rights, New York time', async () => {
    const regime = (await (await fetch(api('regime'), { headers: service.as('auditor') })).json()) as object;
    expect(regime).toMatchObject({ regime: 'sox', timeZone: 'America/New_York', requestTypes: [] });
  });

  it('refuses a requester approving their own change with the reason, and lets another approver', async () => {
    const requested = await post('change_requester|change_approver', 'changes', {
      title: 'Raise the payment approval limit',
      system: 'ERP',
      description: 'From 10 000 to 25 000 USD',
      risk: 'high',
    });
    expect(requested.status, await requested.clone().text()).toBe(201);
    const { id } = (await requested.json()) as { id: string };
    const own = await post('change_requester|change_approver', `changes/${id}/approve`);
    expect(own.status).toBe(403);
    expect(((await own.json()) as { detail: string }).detail).toBe(
      'segregation of duties: change-requester-change-approver-1 requested this change and may not approve it; another change approver must',
    );
    const other = await post('change_approver', `changes/${id}/approve`);
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ status: 'approved', approvedBy: 'change-approver-1' });
  });

  it('seeds its demo data: the deficiencies its failed control tests found, and the score', async () => {
    const deficiencies = await fetch(api('deficiencies'), { headers: service.as('auditor') });
    expect(deficiencies.status).toBe(200);
    const { deficiencies: open } = (await deficiencies.json()) as { deficiencies: { severity: string }[] };
    expect(open.map((d) => d.severity).sort()).toEqual(['deficiency', 'deficiency', 'significant_deficiency']);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^compliance_score\{regime="sox",service="sox-compliance"\} \d+/m);
  });
});
