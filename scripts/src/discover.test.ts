import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getService, SERVICES } from '@azora/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOverrides, hasDevScript, selectServices } from './discover.ts';
import { DevError } from './errors.ts';

let root: string;

async function addPackage(folder: string, manifest: string): Promise<void> {
  await mkdir(join(root, folder), { recursive: true });
  await writeFile(join(root, folder, 'package.json'), manifest);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'azora-discover-'));
  await addPackage('services/ai-sentiment', JSON.stringify({ scripts: { dev: 'node src/main.ts', test: 'vitest' } }));
  await addPackage('services/ai-chatbot', JSON.stringify({ scripts: { dev: 'node src/main.ts' } }));
  await addPackage('services/gdpr-compliance', JSON.stringify({ scripts: { test: 'vitest run' } }));
  await addPackage('services/ai-vision', '{ not json');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('hasDevScript', () => {
  it('needs a package.json with a dev script in the service folder', () => {
    expect(hasDevScript(root, getService('ai-sentiment'))).toBe(true);
    expect(hasDevScript(root, getService('gdpr-compliance'))).toBe(false); // no dev script
    expect(hasDevScript(root, getService('ai-vision'))).toBe(false); // unreadable manifest
    expect(hasDevScript(root, getService('zero-rating'))).toBe(false); // no folder
  });
});

describe('selectServices', () => {
  it('covers the whole catalog by default: present ones to start, the rest not in the repo yet', () => {
    const { present, missing } = selectServices(root, SERVICES);
    expect(present.map((s) => s.name)).toEqual(['ai-sentiment', 'ai-chatbot']);
    expect(missing).toHaveLength(SERVICES.length - 2);
    expect(missing.map((s) => s.name)).toContain('gdpr-compliance');
  });

  it('with --only adds the services the selected ones call, transitively', () => {
    const chatbot = selectServices(root, SERVICES, ['ai-chatbot']);
    expect(chatbot.present.map((s) => s.name)).toEqual(['ai-sentiment', 'ai-chatbot']);
    expect(chatbot.missing).toEqual([]);

    // automated-reporting → compliance-dashboard → the seven jurisdiction services and the IoT integration.
    const reporting = selectServices(root, SERVICES, ['automated-reporting']);
    expect(reporting.present).toEqual([]);
    expect(reporting.missing.map((s) => s.name).sort()).toEqual(
      [
        'automated-reporting',
        'compliance-dashboard',
        'gdpr-compliance',
        'hipaa-compliance',
        'sox-compliance',
        'ccpa-compliance',
        'pipeda-compliance',
        'lgpd-compliance',
        'south-african-compliance',
        'quantum-iot-integration',
      ].sort(),
    );
  });

  it('only follows calls to services in the list it was given', () => {
    const list = [getService('ai-chatbot')];
    expect(selectServices(root, list, ['ai-chatbot']).present.map((s) => s.name)).toEqual(['ai-chatbot']);
  });

  it('rejects unknown names, listing the known ones', () => {
    expect(() => selectServices(root, SERVICES, ['ai-sentiment', 'nope'])).toThrow(DevError);
    expect(() => selectServices(root, SERVICES, ['nope'])).toThrow(/unknown service nope — known: main-app, /);
  });
});

describe('catalogOverrides', () => {
  it('replaces fields of catalog entries and keeps the rest', () => {
    const [entry] = catalogOverrides(JSON.stringify([{ name: 'ai-chatbot', folder: 'fixtures/chatbot', port: 41234 }]));
    expect(entry).toEqual({ ...getService('ai-chatbot'), folder: 'fixtures/chatbot', port: 41234 });
  });

  it('rejects what is not an array, and names not in the catalog', () => {
    expect(() => catalogOverrides('{}')).toThrow(/JSON array/);
    expect(() => catalogOverrides('[{"name":"nope"}]')).toThrow(/unknown service "nope"/);
  });
});
