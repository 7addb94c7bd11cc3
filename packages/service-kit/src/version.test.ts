import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceVersion } from './version.ts';

describe('serviceVersion', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'azora-version-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const manifest = async (content: object) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(content));
    return pathToFileURL(file);
  };

  it("reads the package's version, with the image's revision as build metadata when stamped", async () => {
    const url = await manifest({ name: 'svc', version: '2.3.4' });
    expect(serviceVersion(url, {})).toBe('2.3.4');
    expect(serviceVersion(url, { AZORA_REVISION: '' })).toBe('2.3.4');
    expect(serviceVersion(url, { AZORA_REVISION: '3f9c2ab' })).toBe('2.3.4+3f9c2ab');
  });

  it('is the version of this package, not a constant', () => {
    expect(serviceVersion(new URL('../package.json', import.meta.url), {})).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses a package.json without a version', async () => {
    const url = await manifest({ name: 'svc' });
    expect(() => serviceVersion(url, {})).toThrow(/has no version/);
  });
});
