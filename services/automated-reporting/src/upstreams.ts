// One snapshot of the compliance posture: the dashboard's overview and each selected
// jurisdiction service's summary, fetched at one moment, each with a timeout. A call that
// fails is recorded (service, how it failed, the message) and the snapshot goes on.
import { getService } from '@azora/catalog';
import { ServiceClient, UpstreamError, z } from '@azora/service-kit';
import type { UpstreamFailureRecord } from './store.ts';

/** The seven jurisdiction services and the regime id each serves. */
export const JURISDICTIONS = [
  { service: 'gdpr-compliance', regime: 'gdpr' },
  { service: 'hipaa-compliance', regime: 'hipaa' },
  { service: 'sox-compliance', regime: 'sox' },
  { service: 'ccpa-compliance', regime: 'ccpa' },
  { service: 'pipeda-compliance', regime: 'pipeda' },
  { service: 'lgpd-compliance', regime: 'lgpd' },
  { service: 'south-african-compliance', regime: 'popia' },
] as const;
export type JurisdictionService = (typeof JURISDICTIONS)[number]['service'];

/** A regime id (`gdpr`) or a service name (`gdpr-compliance`) to the service name; undefined when neither. */
export function jurisdictionService(name: string): JurisdictionService | undefined {
  return JURISDICTIONS.find((j) => j.regime === name || j.service === name)?.service;
}

/** What a jurisdiction service's `GET /api/<service>/summary` answers. */
export interface RegimeSummary {
  regime: string;
  name: string;
  at: string;
  requests: { open: number; overdue: number };
  breaches: Record<string, number>;
  notifications: { pending: number; missed: number; pastTarget?: number; nearestDeadline: string | null };
  score: number;
}

/** The compliance dashboard's overview (contracts.md). */
export interface DashboardOverview {
  generatedAt: string;
  status: 'ok' | 'degraded';
  regimes: (
    | {
        service: string;
        regime: string;
        name: string;
        reachable: true;
        score: number;
        reasons: string[];
        failingControls: { id: string; title: string }[];
      }
    | { service: string; regime: string; name: string; reachable: false; error: string; lastSuccessAt: string | null }
  )[];
  deadlines: { service: string; regime: string; kind: string; id: string; dueAt: string; label: string }[];
  iot:
    | {
        reachable: true;
        devices: { total: number; online: number; offline: number };
        findings: { open: number; byKind: Record<string, number> };
      }
    | { reachable: false; error: string };
  alerts: { id: string; kind: string; service: string; message: string; since: string }[];
}

export type RegimeEntry =
  | { service: JurisdictionService; regime: string; reachable: true; summary: RegimeSummary }
  | { service: JurisdictionService; regime: string; reachable: false; error: string };

export interface Snapshot {
  takenAt: string;
  dashboard: { reachable: true; overview: DashboardOverview } | { reachable: false; error: string };
  regimes: RegimeEntry[];
  upstreamErrors: UpstreamFailureRecord[];
}

export interface UpstreamOptions {
  /** Base URLs by catalog name (`compliance-dashboard`, `gdpr-compliance`, …). */
  urls: Record<string, string>;
  /** COMPLIANCE_API_KEY: a key with the auditor role on every upstream. */
  apiKey: string | undefined;
  timeoutMs: number;
}

function failureOf(service: string, error: unknown): UpstreamFailureRecord {
  if (error instanceof UpstreamError) return { service, failure: error.failure, message: error.message };
  return { service, failure: 'bad_body', message: `${service}: ${(error as Error).message}` };
}

// What a report reads of each answer, checked: an upstream that answers something else is
// recorded as failed (bad_body) rather than breaking the rendering. Unknown fields pass.
const count = z.number().int().min(0);
const summarySchema = z.looseObject({
  regime: z.string(),
  name: z.string(),
  at: z.string(),
  requests: z.looseObject({ open: count, overdue: count }),
  breaches: z.record(z.string(), count),
  notifications: z.looseObject({ pending: count, missed: count, nearestDeadline: z.string().nullable() }),
  score: z.number(),
});
const overviewSchema = z.looseObject({
  generatedAt: z.string(),
  status: z.string(),
  regimes: z.array(
    z.union([
      z.looseObject({
        service: z.string(),
        regime: z.string(),
        name: z.string(),
        reachable: z.literal(true),
        score: z.number(),
        reasons: z.array(z.string()).default([]),
        failingControls: z.array(z.looseObject({ id: z.string(), title: z.string() })).default([]),
      }),
      z.looseObject({
        service: z.string(),
        regime: z.string(),
        name: z.string(),
        reachable: z.literal(false),
        error: z.string(),
        lastSuccessAt: z.string().nullable().default(null),
      }),
    ]),
  ),
  deadlines: z
    .array(
      z.looseObject({
        service: z.string(),
        regime: z.string(),
        kind: z.string(),
        id: z.string(),
        dueAt: z.string(),
        label: z.string(),
      }),
    )
    .default([]),
  iot: z
    .union([
      z.looseObject({
        reachable: z.literal(true),
        devices: z.looseObject({ total: count, online: count, offline: count }),
        findings: z.looseObject({ open: count, byKind: z.record(z.string(), count).default({}) }),
      }),
      z.looseObject({ reachable: z.literal(false), error: z.string() }),
    ])
    .default({ reachable: false, error: 'the dashboard sent no IoT summary' }),
  alerts: z
    .array(
      z.looseObject({ id: z.string(), kind: z.string(), service: z.string(), message: z.string(), since: z.string() }),
    )
    .default([]),
});

export function createUpstreams(options: UpstreamOptions) {
  const headers: Record<string, string> = options.apiKey ? { 'x-api-key': options.apiKey } : {};
  const client = (service: string) => {
    const baseUrl = options.urls[service];
    if (!baseUrl) throw new Error(`no URL for ${service}`);
    return new ServiceClient({ service, baseUrl, timeoutMs: options.timeoutMs });
  };
  const clients = new Map<string, ServiceClient>();
  const clientOf = (service: string) => {
    let found = clients.get(service);
    if (!found) {
      found = client(service);
      clients.set(service, found);
    }
    return found;
  };

  async function get<T>(service: string, path: string, schema: z.ZodType): Promise<T> {
    const prefix = getService(service).apiPrefix;
    const { body } = await clientOf(service).call<unknown>(`/api/${prefix}/${path}`, { headers });
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new UpstreamError(
        service,
        'bad_body',
        `${service} answered ${path} with an unexpected body (${where}${issue?.message ?? 'invalid'})`,
        200,
      );
    }
    return parsed.data as T;
  }

  /** Everything for one report, fetched in parallel. */
  async function snapshot(services: readonly JurisdictionService[], at: Date): Promise<Snapshot> {
    const upstreamErrors: UpstreamFailureRecord[] = [];
    const dashboardCall = get<DashboardOverview>('compliance-dashboard', 'overview', overviewSchema).then(
      (overview) => ({ reachable: true as const, overview }),
      (error: unknown) => {
        const failure = failureOf('compliance-dashboard', error);
        upstreamErrors.push(failure);
        return { reachable: false as const, error: failure.message };
      },
    );
    const regimeCalls = services.map(async (service): Promise<RegimeEntry> => {
      const regime = JURISDICTIONS.find((j) => j.service === service)?.regime ?? service;
      try {
        const summary = await get<RegimeSummary>(service, 'summary', summarySchema);
        return { service, regime, reachable: true, summary };
      } catch (error) {
        const failure = failureOf(service, error);
        upstreamErrors.push(failure);
        return { service, regime, reachable: false, error: failure.message };
      }
    });
    const [dashboard, regimes] = await Promise.all([dashboardCall, Promise.all(regimeCalls)]);
    upstreamErrors.sort((a, b) => a.service.localeCompare(b.service));
    return { takenAt: at.toISOString(), dashboard, regimes, upstreamErrors };
  }

  return { snapshot };
}

export type Upstreams = ReturnType<typeof createUpstreams>;
