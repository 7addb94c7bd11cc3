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

/** `names` with `'*'` expanded to every service but `name`, each once. */
function expand(name: string, names: readonly string[]): ServiceEntry[] {
  const all = names.includes('*') ? SERVICES.map((s) => s.name).filter((n) => n !== name) : names;
  return [...new Set(all)].map(getService);
}

/** Services `name` calls directly (it starts after them), with `'*'` expanded to every other service. */
export function upstreamsOf(name: string): ServiceEntry[] {
  return expand(name, getService(name).calls);
}

/**
 * The services whose addresses `name` is given (`<SERVICE>_URL`): those it calls and those
 * it watches without depending on them (tracing-recovery watches every service).
 */
export function addressedBy(name: string): ServiceEntry[] {
  const service = getService(name);
  return expand(name, [...service.calls, ...(service.watches ?? [])]);
}
