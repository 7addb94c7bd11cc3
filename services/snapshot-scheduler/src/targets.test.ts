import { SERVICES } from '@azora/catalog';
import { describe, expect, it } from 'vitest';
import { snapshotTargets } from './targets.ts';

describe('snapshot targets from the catalog', () => {
  const all = snapshotTargets({ services: SERVICES, self: 'snapshot-scheduler' });

  it('covers every service that stores in Postgres, Redis or MongoDB, where compose puts its data', () => {
    expect(all).toContainEqual({ service: 'gdpr-compliance', kind: 'postgres', database: 'azora_gdpr_compliance' });
    expect(all).toContainEqual({ service: 'ai-chatbot', kind: 'redis', database: 'chatbot:' });
    expect(all).toContainEqual({ service: 'ai-personalization', kind: 'redis', database: 'personalization:' });
    expect(all).toContainEqual({ service: 'azora-mint', kind: 'mongodb', database: 'azora_mint' });
    expect(all).toContainEqual({ service: 'ai-website-builder', kind: 'mongodb', database: 'ai_website_builder' });
    expect(all).toContainEqual({ service: '5g-manager', kind: 'postgres', database: 'azora_5g_manager' });
    expect(all).toContainEqual({ service: '5g-manager', kind: 'redis', database: '5g-manager:' });
    // Exactly one target per service and data store the catalog lists, and none for itself.
    const expected = SERVICES.filter((s) => s.name !== 'snapshot-scheduler').flatMap((s) =>
      s.infrastructure.filter((i) => i === 'postgres' || i === 'redis' || i === 'mongodb'),
    ).length;
    expect(all).toHaveLength(expected);
    expect(all.some((t) => t.service === 'snapshot-scheduler')).toBe(false);
    expect(all.some((t) => t.service === 'ai-sentiment')).toBe(false);
  });

  it('picks up a service added to the catalog without code changes', () => {
    const services = [
      ...SERVICES,
      { name: 'new-thing', apiPrefix: 'thing', infrastructure: ['postgres', 'mqtt'] as const },
    ];
    expect(snapshotTargets({ services, self: 'snapshot-scheduler' })).toContainEqual({
      service: 'new-thing',
      kind: 'postgres',
      database: 'azora_new_thing',
    });
  });

  it('keeps to DEPLOYED_SERVICES and follows DATA_LOCATIONS', () => {
    const targets = snapshotTargets({
      services: SERVICES,
      self: 'snapshot-scheduler',
      deployed: ['azora-mint', 'ai-chatbot'],
      locations: new Map([['azora-mint/mongodb', 'azora_azora_mint']]),
    });
    expect(targets).toEqual([
      { service: 'ai-chatbot', kind: 'redis', database: 'chatbot:' },
      { service: 'azora-mint', kind: 'mongodb', database: 'azora_azora_mint' },
    ]);
  });
});
