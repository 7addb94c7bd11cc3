import { SERVICES, type ServiceEntry } from './catalog.ts';

export type { ComposeFile, Infrastructure, ServiceEntry, ServiceGroup } from './catalog.ts';
export { JURISDICTION_SERVICES } from './catalog.ts';
export { SERVICES };

/** Infrastructure ports (DESIGN.md §2). */
export const INFRASTRUCTURE_PORTS = {
  postgres: 5432,
  redis: 6379,
  mongodb: 27017,
  mqtt: 1883,
  mqttWebsockets: 9001,
  prometheus: 9090,
  grafana: 3001,
  nodeExporter: 9100,
  alertmanager: 9093,
} as const;

const byName = new Map(SERVICES.map((service) => [service.name, service]));
const byApiPrefix = new Map(SERVICES.map((service) => [service.apiPrefix, service]));

export function findService(name: string): ServiceEntry | undefined {
  return byName.get(name);
}

/** The catalog entry for `name`; throws for a name that is not in the catalog. */
export function getService(name: string): ServiceEntry {
  const service = byName.get(name);
  if (!service) throw new Error(`unknown service "${name}" (not in @azora/catalog)`);
  return service;
}

/** The service whose API lives under `/api/<prefix>/`. */
export function findServiceByApiPrefix(prefix: string): ServiceEntry | undefined {
  return byApiPrefix.get(prefix);
}

export function findServiceByPort(port: number): ServiceEntry | undefined {
  return SERVICES.find((service) => service.port === port);
}

/**
 * The environment variable that holds a service's base URL for its callers, e.g.
 * `AI_SENTIMENT_URL`. A name starting with a digit is prefixed so the variable is a
 * valid shell identifier (`5g-manager` → `SVC_5G_MANAGER_URL`).
 */
export function urlVariable(name: string): string {
  const base = getService(name)
    .name.toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
  return /^[0-9]/.test(base) ? `SVC_${base}_URL` : `${base}_URL`;
}

/** The URL a caller uses for a service when its `<SERVICE>_URL` variable is not set. */
export function defaultUrl(name: string, host = '127.0.0.1'): string {
  return `http://${host}:${getService(name).port}`;
}

/** Services `name` calls directly, with `'*'` expanded to every other service. */
export function upstreamsOf(name: string): ServiceEntry[] {
  const service = getService(name);
  const names = service.calls.includes('*') ? SERVICES.map((s) => s.name).filter((n) => n !== name) : service.calls;
  return [...new Set(names)].map(getService);
}
