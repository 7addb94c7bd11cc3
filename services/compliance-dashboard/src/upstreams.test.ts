import { getService } from '@azora/catalog';
import { loadConfig } from '@azora/service-kit';
import { describe, expect, it } from 'vitest';
import { configShape } from './config.ts';
import { iotUpstream, regimeUpstreams } from './upstreams.ts';

describe('upstreams from the catalog', () => {
  it('are the seven jurisdiction services and the IoT integration, as the catalog says, each with its rule pack', () => {
    const regimes = regimeUpstreams();
    expect(regimes.map((r) => [r.service, r.regime])).toEqual([
      ['gdpr-compliance', 'gdpr'],
      ['hipaa-compliance', 'hipaa'],
      ['sox-compliance', 'sox'],
      ['ccpa-compliance', 'ccpa'],
      ['pipeda-compliance', 'pipeda'],
      ['lgpd-compliance', 'lgpd'],
      ['south-african-compliance', 'popia'],
    ]);
    expect(getService('compliance-dashboard').calls).toEqual([
      ...regimes.map((r) => r.service),
      'quantum-iot-integration',
    ]);
    for (const r of regimes) expect(r.defaultUrl).toBe(`http://127.0.0.1:${getService(r.service).port}`);
    expect(regimes.find((r) => r.regime === 'popia')?.urlVariable).toBe('SOUTH_AFRICAN_COMPLIANCE_URL');
    expect(iotUpstream()).toMatchObject({
      urlVariable: 'QUANTUM_IOT_INTEGRATION_URL',
      defaultUrl: 'http://127.0.0.1:4088',
    });
  });

  it('are each overridable by its <SERVICE>_URL variable, defaulting to the catalog port', () => {
    const config = loadConfig('compliance-dashboard', configShape, {
      COMPLIANCE_API_KEY: 'k'.repeat(24),
      GDPR_COMPLIANCE_URL: 'http://gdpr-compliance:4080',
    }) as unknown as Record<string, unknown>;
    expect(config.GDPR_COMPLIANCE_URL).toBe('http://gdpr-compliance:4080');
    expect(config.LGPD_COMPLIANCE_URL).toBe('http://127.0.0.1:4085');
    expect(config.PORT).toBe(4086);
    expect(config.UPSTREAM_TIMEOUT_MS).toBe(2000);
    expect(config.CACHE_TTL_MS).toBe(5000);
  });
});
