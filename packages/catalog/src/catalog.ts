/**
 * The Azora OS service catalog: the single source of truth for every service's name,
 * workspace package, folder, port, health paths, dependencies and compose files.
 * The dev orchestrator, the console's status board, the compliance dashboard, the
 * recovery service and the repo consistency checks all read it.
 */

/** Infrastructure a service needs running before it can be ready. */
export type Infrastructure = 'postgres' | 'redis' | 'mongodb' | 'mqtt' | 'chromium' | 'docker';

export type ServiceGroup = 'console' | 'ai' | 'finance' | 'builder' | 'compliance' | 'operations' | 'telecom';

/**
 * Compose files in `vessels/`, plus the standalone ones beside azora-mint and the website
 * builder (each runs that service with its own database, as the original platform did).
 */
export type ComposeFile =
  | 'vessels/docker-compose.yml'
  | 'vessels/docker-compose.prod.yml'
  | 'vessels/docker-compose.production.yml'
  | 'vessels/docker-compose.compliance.yml'
  | 'vessels/docker-compose.autonomous.yml'
  | 'services/azora-mint/docker-compose.yml'
  | 'organs/ai-website-builder/docker-compose.yml';

export interface ServiceEntry {
  /** Service name, also its DNS name in compose and its `service` metrics label. */
  readonly name: string;
  /** Workspace package name (`pnpm --filter <package>`). */
  readonly package: string;
  /** Folder relative to the repo root. */
  readonly folder: string;
  /** Port the service listens on by default (its `PORT`). */
  readonly port: number;
  /** Port published on the host in production, when it differs from `port`. */
  readonly publishedPort?: number;
  readonly group: ServiceGroup;
  readonly description: string;
  /**
   * Liveness and readiness paths, and `liveAliases`: further paths that answer exactly as
   * `live` (the original platform's probe paths, kept for operators' tooling).
   */
  readonly health: { readonly live: string; readonly ready: string; readonly liveAliases?: readonly string[] };
  readonly metricsPath: string;
  /**
   * The path segment of the service's HTTP API: its routes live under `/api/<apiPrefix>/`
   * and the main-app gateway forwards `/api/<apiPrefix>/...` to it unchanged.
   */
  readonly apiPrefix: string;
  /** Infrastructure the service stores data in or connects to. */
  readonly infrastructure: readonly Infrastructure[];
  /** Named volumes the service writes to (reports, snapshots). */
  readonly volumes: readonly string[];
  /** The rule pack a jurisdiction service answers with (`gdpr`, … `popia`): the regime's id. */
  readonly regime?: string;
  /**
   * The service reads every other service's data (snapshot-scheduler): it is given the
   * servers (`POSTGRES_URL`, and `MONGODB_URI` without a database), not a database of its own.
   */
  readonly readsEveryDatabase?: boolean;
  /** Other services it calls; `'*'` means every service in the catalog. */
  readonly calls: readonly string[];
  /**
   * Services it watches — polls their readiness, restarts them — without depending on them:
   * it gets their addresses but starts first, so it can heal a service that never comes up.
   * `'*'` means every service.
   */
  readonly watches?: readonly string[];
  readonly composeFiles: readonly ComposeFile[];
}

const standardHealth = { live: '/health', ready: '/health/ready' } as const;

const AI_COMPOSE: readonly ComposeFile[] = [
  'vessels/docker-compose.yml',
  'vessels/docker-compose.prod.yml',
  'vessels/docker-compose.production.yml',
];
const COMPLIANCE_COMPOSE: readonly ComposeFile[] = [
  'vessels/docker-compose.compliance.yml',
  'vessels/docker-compose.production.yml',
];
const AUTONOMOUS_COMPOSE: readonly ComposeFile[] = [
  'vessels/docker-compose.autonomous.yml',
  'vessels/docker-compose.production.yml',
];
/** tracing-recovery runs in every stack: each sends its spans to it (OTEL_EXPORTER_OTLP_ENDPOINT). */
const EVERY_STACK: readonly ComposeFile[] = [
  'vessels/docker-compose.yml',
  'vessels/docker-compose.prod.yml',
  'vessels/docker-compose.compliance.yml',
  ...AUTONOMOUS_COMPOSE,
];

/** The seven services of the compliance suite built on @azora/compliance-core, one per regime. */
export const JURISDICTION_SERVICES = [
  'gdpr-compliance',
  'hipaa-compliance',
  'sox-compliance',
  'ccpa-compliance',
  'pipeda-compliance',
  'lgpd-compliance',
  'south-african-compliance',
] as const;

type EntryInput = Omit<ServiceEntry, 'health' | 'metricsPath' | 'package' | 'volumes' | 'calls' | 'apiPrefix'> &
  Partial<Pick<ServiceEntry, 'health' | 'package' | 'volumes' | 'calls' | 'apiPrefix'>>;

function entry(input: EntryInput): ServiceEntry {
  return {
    package: input.name,
    apiPrefix: input.name,
    volumes: [],
    calls: [],
    health: standardHealth,
    metricsPath: '/metrics',
    ...input,
  };
}

function jurisdiction(name: string, port: number, regime: string, label: string): ServiceEntry {
  return entry({
    name,
    folder: `services/${name}`,
    port,
    regime,
    group: 'compliance',
    description: `${label}: data-subject requests, consent records, deadlines and audit evidence`,
    infrastructure: ['postgres'],
    composeFiles: COMPLIANCE_COMPOSE,
  });
}

export const SERVICES: readonly ServiceEntry[] = [
  entry({
    name: 'main-app',
    apiPrefix: 'platform',
    folder: 'apps/main-app',
    port: 3000,
    publishedPort: 80,
    group: 'console',
    description: 'Web console (React) and API gateway in front of every service',
    infrastructure: [],
    calls: ['*'],
    composeFiles: AI_COMPOSE,
  }),
  entry({
    name: 'ai-personalization',
    apiPrefix: 'personalization',
    folder: 'services/ai-personalization',
    port: 3010,
    group: 'ai',
    description: 'Recommendations: item–item collaborative filtering, content similarity and popularity',
    infrastructure: ['redis'],
    composeFiles: AI_COMPOSE,
  }),
  entry({
    name: 'ai-sentiment',
    apiPrefix: 'sentiment',
    folder: 'services/ai-sentiment',
    port: 3011,
    group: 'ai',
    description: 'Sentiment analysis (VADER): scores, label and per-sentence breakdown',
    infrastructure: [],
    composeFiles: AI_COMPOSE,
  }),
  entry({
    name: 'ai-chatbot',
    apiPrefix: 'chatbot',
    folder: 'services/ai-chatbot',
    port: 3012,
    group: 'ai',
    description: 'Platform assistant: intent classification, FAQ retrieval, sessions',
    infrastructure: ['redis'],
    calls: ['ai-sentiment'],
    composeFiles: AI_COMPOSE,
  }),
  entry({
    name: 'ai-vision',
    apiPrefix: 'vision',
    folder: 'services/ai-vision',
    port: 3013,
    group: 'ai',
    description: 'Image analysis: objects, faces, palette, perceptual hash',
    infrastructure: [],
    composeFiles: AI_COMPOSE,
  }),
  entry({
    name: 'azora-mint',
    folder: 'services/azora-mint',
    port: 3006,
    group: 'finance',
    description: 'Token ledger: wallets, mints, transfers in integer minor units',
    infrastructure: ['mongodb'],
    composeFiles: ['services/azora-mint/docker-compose.yml', 'vessels/docker-compose.production.yml'],
  }),
  entry({
    name: 'ai-website-builder',
    folder: 'organs/ai-website-builder',
    port: 3008,
    group: 'builder',
    description: 'Website builder: briefs to editable, versioned, audited sites, rendered by Chromium and published',
    // The original platform's health path, kept as an alias of /health.
    health: { ...standardHealth, liveAliases: ['/api/v1/health'] },
    infrastructure: ['mongodb', 'chromium'],
    // The published sites (DEPLOYMENTS_DIR): served at /sites/<subdomain>/.
    volumes: ['deployments'],
    composeFiles: ['organs/ai-website-builder/docker-compose.yml', 'vessels/docker-compose.production.yml'],
  }),
  jurisdiction('gdpr-compliance', 4080, 'gdpr', 'GDPR (EU)'),
  jurisdiction('hipaa-compliance', 4081, 'hipaa', 'HIPAA (US health data)'),
  jurisdiction('sox-compliance', 4082, 'sox', 'SOX (US financial controls)'),
  jurisdiction('ccpa-compliance', 4083, 'ccpa', 'CCPA/CPRA (California)'),
  jurisdiction('pipeda-compliance', 4084, 'pipeda', 'PIPEDA (Canada)'),
  jurisdiction('lgpd-compliance', 4085, 'lgpd', 'LGPD (Brazil)'),
  entry({
    name: 'compliance-dashboard',
    folder: 'services/compliance-dashboard',
    port: 4086,
    group: 'compliance',
    description: 'Compliance posture across the seven jurisdiction services, from their live data',
    // Postgres keeps the DPO's alert acknowledgements; the rest is read live.
    infrastructure: ['postgres'],
    calls: [...JURISDICTION_SERVICES, 'quantum-iot-integration'],
    composeFiles: COMPLIANCE_COMPOSE,
  }),
  entry({
    name: 'automated-reporting',
    folder: 'services/automated-reporting',
    port: 4087,
    group: 'compliance',
    description: 'Scheduled compliance reports built from the dashboard and jurisdiction services',
    // Postgres keeps schedules, runs and report metadata; Chromium prints the PDFs.
    infrastructure: ['postgres', 'chromium'],
    volumes: ['reports'],
    calls: ['compliance-dashboard', ...JURISDICTION_SERVICES],
    composeFiles: COMPLIANCE_COMPOSE,
  }),
  entry({
    name: 'quantum-iot-integration',
    folder: 'services/quantum-iot-integration',
    port: 4088,
    group: 'compliance',
    description: 'IoT devices publishing ML-DSA-signed telemetry over MQTT, scanned for compliance findings',
    infrastructure: ['postgres', 'mqtt'],
    composeFiles: COMPLIANCE_COMPOSE,
  }),
  jurisdiction('south-african-compliance', 4090, 'popia', 'POPIA (South Africa)'),
  entry({
    name: 'tracing-recovery',
    folder: 'services/tracing-recovery',
    port: 4998,
    group: 'operations',
    description: 'Traces (OTLP), health watching and self-healing recovery actions',
    infrastructure: ['postgres', 'redis', 'docker'],
    watches: ['*'],
    composeFiles: EVERY_STACK,
  }),
  entry({
    name: 'snapshot-scheduler',
    folder: 'services/snapshot-scheduler',
    port: 4999,
    group: 'operations',
    description: 'Scheduled snapshots of the databases, with retention and restore checks',
    infrastructure: ['postgres', 'redis', 'mongodb'],
    readsEveryDatabase: true,
    volumes: ['snapshots'],
    calls: ['tracing-recovery'],
    composeFiles: AUTONOMOUS_COMPOSE,
  }),
  entry({
    name: 'zero-rating',
    folder: 'services/zero-rating',
    port: 5001,
    group: 'telecom',
    description: 'Zero-rated traffic rules and usage accounting',
    infrastructure: ['redis'],
    composeFiles: AUTONOMOUS_COMPOSE,
  }),
  entry({
    name: '5g-manager',
    folder: 'services/5g-manager',
    port: 5002,
    group: 'telecom',
    description: '5G network slices: admission, quotas and lifecycle',
    infrastructure: ['postgres', 'redis'],
    composeFiles: AUTONOMOUS_COMPOSE,
  }),
];
