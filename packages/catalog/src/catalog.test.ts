import { describe, expect, it } from 'vitest';
import {
  addressedBy,
  defaultUrl,
  findService,
  findServiceByApiPrefix,
  findServiceByPort,
  getService,
  SERVICES,
  upstreamsOf,
  urlVariable,
} from './index.ts';

describe('service catalog', () => {
  it('lists the 21 services of the design, each once, on distinct ports', () => {
    expect(SERVICES).toHaveLength(21);
    expect(new Set(SERVICES.map((s) => s.name)).size).toBe(21);
    expect(new Set(SERVICES.map((s) => s.port)).size).toBe(21);
    expect(new Set(SERVICES.map((s) => s.folder)).size).toBe(21);
  });

  it('has the ports from DESIGN.md', () => {
    const ports = Object.fromEntries(SERVICES.map((s) => [s.name, s.port]));
    expect(ports).toEqual({
      'main-app': 3000,
      'ai-personalization': 3010,
      'ai-sentiment': 3011,
      'ai-chatbot': 3012,
      'ai-vision': 3013,
      'azora-mint': 3006,
      'ai-website-builder': 3008,
      'gdpr-compliance': 4080,
      'hipaa-compliance': 4081,
      'sox-compliance': 4082,
      'ccpa-compliance': 4083,
      'pipeda-compliance': 4084,
      'lgpd-compliance': 4085,
      'compliance-dashboard': 4086,
      'automated-reporting': 4087,
      'quantum-iot-integration': 4088,
      'south-african-compliance': 4090,
      'tracing-recovery': 4998,
      'snapshot-scheduler': 4999,
      'zero-rating': 5001,
      '5g-manager': 5002,
    });
    expect(getService('main-app').publishedPort).toBe(80);
  });

  it('gives every service its own API prefix, a single URL path segment', () => {
    expect(new Set(SERVICES.map((s) => s.apiPrefix)).size).toBe(SERVICES.length);
    for (const service of SERVICES) expect(service.apiPrefix).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(findServiceByApiPrefix('sentiment')?.name).toBe('ai-sentiment');
    expect(findServiceByApiPrefix('gdpr-compliance')?.name).toBe('gdpr-compliance');
    expect(findServiceByApiPrefix('ai-sentiment')).toBeUndefined();
  });

  it('only names services that exist as upstreams', () => {
    for (const service of SERVICES) {
      for (const upstream of service.calls) {
        if (upstream !== '*') expect(findService(upstream), `${service.name} calls ${upstream}`).toBeDefined();
      }
    }
  });

  it('records each service’s data stores', () => {
    expect(getService('ai-chatbot').infrastructure).toEqual(['redis']);
    expect(getService('azora-mint').infrastructure).toEqual(['mongodb']);
    expect(getService('quantum-iot-integration').infrastructure).toEqual(['postgres', 'mqtt']);
    expect(getService('ai-sentiment').infrastructure).toEqual([]);
  });

  it('keeps a standalone compose file beside its service, never beside another one', () => {
    expect(getService('azora-mint').composeFiles).toEqual([
      'services/azora-mint/docker-compose.yml',
      'vessels/docker-compose.production.yml',
    ]);
    for (const service of SERVICES) {
      for (const file of service.composeFiles.filter((f) => !f.startsWith('vessels/'))) {
        expect(file, service.name).toBe(`${service.folder}/docker-compose.yml`);
      }
      // Every service runs in the whole-platform file too.
      expect(service.composeFiles, service.name).toContain('vessels/docker-compose.production.yml');
    }
  });

  it('has the website builder on 3008 with MongoDB and Chromium, its deployments volume and the /api/v1/health alias', () => {
    const builder = getService('ai-website-builder');
    expect(builder).toMatchObject({
      folder: 'organs/ai-website-builder',
      package: 'ai-website-builder',
      port: 3008,
      apiPrefix: 'ai-website-builder',
      infrastructure: ['mongodb', 'chromium'],
      volumes: ['deployments'],
      health: { live: '/health', ready: '/health/ready', liveAliases: ['/api/v1/health'] },
    });
    expect(builder.composeFiles).toEqual([
      'organs/ai-website-builder/docker-compose.yml',
      'vessels/docker-compose.production.yml',
    ]);
    // Aliases are paths of their own, never the canonical ones again.
    for (const service of SERVICES) {
      for (const alias of service.health.liveAliases ?? []) {
        expect(alias).toMatch(/^\/[a-z0-9/_-]+$/);
        expect([service.health.live, service.health.ready]).not.toContain(alias);
      }
    }
  });

  it('looks services up by name and port', () => {
    expect(findService('nope')).toBeUndefined();
    expect(() => getService('nope')).toThrow(/unknown service "nope"/);
    expect(findServiceByPort(3011)?.name).toBe('ai-sentiment');
    expect(findServiceByPort(1)).toBeUndefined();
  });

  it('derives upstream URL variables that are valid shell identifiers', () => {
    expect(urlVariable('ai-sentiment')).toBe('AI_SENTIMENT_URL');
    expect(urlVariable('5g-manager')).toBe('SVC_5G_MANAGER_URL');
    for (const service of SERVICES) expect(urlVariable(service.name)).toMatch(/^[A-Z_][A-Z0-9_]*$/);
    expect(defaultUrl('ai-chatbot')).toBe('http://127.0.0.1:3012');
  });

  it('expands "*" to every other service', () => {
    expect(upstreamsOf('ai-chatbot').map((s) => s.name)).toEqual(['ai-sentiment']);
    expect(upstreamsOf('main-app')).toHaveLength(20);
    // tracing-recovery watches every service without depending on any: it is given their
    // addresses but starts first, so it can heal one that never comes up.
    expect(upstreamsOf('tracing-recovery')).toEqual([]);
    const watched = addressedBy('tracing-recovery').map((s) => s.name);
    expect(watched).toHaveLength(20);
    expect(watched).not.toContain('tracing-recovery');
    expect(addressedBy('snapshot-scheduler').map((s) => s.name)).toEqual(['tracing-recovery']);
  });
});
