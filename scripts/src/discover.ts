import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getService, type ServiceEntry, upstreamsOf } from '@azora/catalog';
import { DevError } from './errors.ts';

/** The `dev` script of `<root>/<folder>/package.json`, if the file exists and has one. */
export function devScriptOf(root: string, service: ServiceEntry): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(root, service.folder, 'package.json'), 'utf8'));
    return typeof manifest?.scripts?.dev === 'string' ? manifest.scripts.dev : undefined;
  } catch {
    return undefined;
  }
}

/** True when `<root>/<folder>/package.json` exists and has a `dev` script. */
export function hasDevScript(root: string, service: ServiceEntry): boolean {
  return devScriptOf(root, service) !== undefined;
}

export interface Selection {
  /** Selected services that are in the repo with a `dev` script: these are started. */
  present: ServiceEntry[];
  /** Selected services that are in the catalog but not (yet) in the repo. */
  missing: ServiceEntry[];
}

/**
 * The services a run covers: all of `services`, or with `only` those names plus the
 * services they call, transitively. Names not in `services` are an error.
 */
export function selectServices(root: string, services: readonly ServiceEntry[], only?: readonly string[]): Selection {
  const byName = new Map(services.map((service) => [service.name, service]));
  let selected = services;
  if (only) {
    const unknown = only.filter((name) => !byName.has(name));
    if (unknown.length > 0) {
      throw new DevError(`unknown service ${unknown.join(', ')} — known: ${[...byName.keys()].join(', ')}`);
    }
    const wanted = new Set<string>();
    const visit = (name: string) => {
      if (wanted.has(name) || !byName.has(name)) return;
      wanted.add(name);
      for (const upstream of upstreamsOf(name)) visit(upstream.name);
    };
    only.forEach(visit);
    selected = services.filter((service) => wanted.has(service.name));
  }
  const present = selected.filter((service) => hasDevScript(root, service));
  return { present, missing: selected.filter((service) => !present.includes(service)) };
}

/**
 * Catalog entries with some fields replaced, from a JSON array such as
 * `[{ "name": "ai-sentiment", "folder": "fixtures/a", "port": 41234 }]` — how tests
 * point the orchestrator at fixture services. Only the listed services are run.
 */
export function catalogOverrides(json: string): ServiceEntry[] {
  const overrides: unknown = JSON.parse(json);
  if (!Array.isArray(overrides)) throw new DevError('the catalog overrides must be a JSON array');
  return overrides.map((override: Partial<ServiceEntry> & { name: string }) => ({
    ...getService(override.name),
    ...override,
  }));
}
