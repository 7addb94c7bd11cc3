/**
 * What gets snapshotted: every catalog service that stores data in Postgres, Redis or
 * MongoDB, found by its catalog `infrastructure` — a new service is covered the day it
 * joins the catalog. Where its data lives follows the platform's naming rules:
 * Postgres database `azora_<name with underscores>` (what compose and `pnpm dev` create),
 * MongoDB database `<name with underscores>` (compose's MONGODB_URI), Redis keys under
 * `<apiPrefix>:` (the services' REDIS_KEY_PREFIX default, e.g. `chatbot:`).
 * DATA_LOCATIONS names the exceptions.
 */
import type { ServiceEntry } from '@azora/catalog';

export const KINDS = ['postgres', 'redis', 'mongodb'] as const;
export type Kind = (typeof KINDS)[number];

export interface Target {
  service: string;
  kind: Kind;
  /** Postgres or MongoDB database name; for Redis the key prefix. */
  database: string;
}

export interface TargetOptions {
  /** The catalog (or a test's stand-in for it). */
  services: readonly Pick<ServiceEntry, 'name' | 'apiPrefix' | 'infrastructure'>[];
  /** DEPLOYED_SERVICES: only these, when set. */
  deployed?: readonly string[];
  /** DATA_LOCATIONS: `service/kind` → database or key prefix. */
  locations?: ReadonlyMap<string, string>;
  /** This scheduler's own name: it connects to the databases but keeps nothing in them. */
  self: string;
}

/** The location of a service's data by the naming rules alone. */
export function defaultLocation(service: Pick<ServiceEntry, 'name' | 'apiPrefix'>, kind: Kind): string {
  const underscored = service.name.replace(/-/g, '_');
  if (kind === 'postgres') return `azora_${underscored}`;
  if (kind === 'mongodb') return underscored;
  return `${service.apiPrefix}:`;
}

export function snapshotTargets(options: TargetOptions): Target[] {
  const deployed = options.deployed ? new Set(options.deployed) : undefined;
  const targets: Target[] = [];
  for (const service of options.services) {
    if (service.name === options.self || (deployed && !deployed.has(service.name))) continue;
    for (const kind of KINDS) {
      if (!service.infrastructure.includes(kind)) continue;
      const database = options.locations?.get(`${service.name}/${kind}`) ?? defaultLocation(service, kind);
      targets.push({ service: service.name, kind, database });
    }
  }
  return targets;
}
