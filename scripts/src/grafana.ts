/**
 * The Grafana dashboards in infrastructure/monitoring/grafana/dashboards/, generated so
 * that every service in the compose files (main-app aside: the overview is its board)
 * gets one and every query stays in the same shape. `pnpm --filter @azora/scripts dashboards` rewrites the JSON files;
 * monitoring.test.ts fails when they are stale, and the end-to-end test checks every
 * metric they name against the services' live /metrics.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getService } from '@azora/catalog';
import { composeServiceNames } from './compose.ts';
import { REPO_ROOT } from './repo.ts';

export const DASHBOARD_DIR = 'infrastructure/monitoring/grafana/dashboards';
/** The uid of the provisioned data source (grafana/provisioning/datasources/prometheus.yml). */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

interface PanelSpec {
  title: string;
  type?: 'timeseries' | 'stat';
  unit?: string;
  /** One query per series: expression and legend. */
  queries: readonly (readonly [expr: string, legend: string])[];
  /** Grid width out of 24 (default 12). */
  width?: number;
}

const RATE = '[$__rate_interval]';

/** p50/p95 of a histogram, grouped by `by`. */
function quantiles(metric: string, selector = '', by = ''): [string, string][] {
  const group = by ? `${by}, le` : 'le';
  return [0.5, 0.95].map((q) => [
    `histogram_quantile(${q}, sum by (${group}) (rate(${metric}_bucket${selector}${RATE})))`,
    `p${q * 100}${by ? ` {{${by}}}` : ''}`,
  ]);
}

/** Domain panels per service: its own metrics (contracts.md). A service without an entry fails the generator. */
const DOMAIN_PANELS: Record<string, readonly PanelSpec[]> = {
  'ai-personalization': [
    {
      title: 'Events ingested by type',
      unit: 'reqps',
      queries: [[`sum by (type) (rate(personalization_events_total${RATE}))`, '{{type}}']],
    },
    {
      title: 'Recommendations by reason',
      unit: 'reqps',
      queries: [[`sum by (reason) (rate(personalization_recommendations_total${RATE}))`, '{{reason}}']],
    },
    {
      title: 'Model age',
      unit: 's',
      queries: [['max(personalization_model_age_seconds)', 'age']],
    },
    {
      title: 'Model size',
      queries: [
        ['max(personalization_model_items)', 'items'],
        ['max(personalization_model_users)', 'users'],
      ],
    },
    {
      title: 'Model build duration',
      unit: 's',
      width: 24,
      queries: quantiles('personalization_model_build_duration_seconds'),
    },
  ],
  'ai-sentiment': [
    {
      title: 'Analyses by label',
      unit: 'reqps',
      queries: [[`sum by (label) (rate(sentiment_analyses_total${RATE}))`, '{{label}}']],
    },
    {
      title: 'Text length (characters)',
      queries: quantiles('sentiment_text_length_characters'),
    },
    {
      title: 'Batch size (texts per request)',
      width: 24,
      queries: quantiles('sentiment_batch_size'),
    },
  ],
  'ai-chatbot': [
    {
      title: 'Messages by intent',
      unit: 'reqps',
      queries: [[`sum by (intent) (rate(chatbot_messages_total${RATE}))`, '{{intent}}']],
    },
    {
      title: 'Intent confidence',
      unit: 'percentunit',
      queries: quantiles('chatbot_intent_confidence'),
    },
    {
      title: 'Fallbacks and handoffs',
      unit: 'reqps',
      queries: [
        [`sum(rate(chatbot_fallbacks_total${RATE}))`, 'fallbacks'],
        [`sum by (reason) (rate(chatbot_handoffs_total${RATE}))`, 'handoff {{reason}}'],
      ],
    },
    {
      title: 'Messages without sentiment (ai-sentiment errors)',
      unit: 'percentunit',
      queries: [
        [
          `sum(rate(chatbot_sentiment_errors_total${RATE})) / sum(rate(chatbot_messages_total${RATE}))`,
          'share of messages',
        ],
      ],
    },
  ],
  'azora-mint': [
    {
      title: 'Entries by type and outcome',
      unit: 'reqps',
      queries: [[`sum by (type, outcome) (rate(mint_entries_total${RATE}))`, '{{type}} {{outcome}}']],
    },
    {
      title: 'Transfer duration (POST transfers, end to end)',
      unit: 's',
      queries: quantiles('mint_transfer_duration_seconds'),
    },
    {
      title: 'Invariants ok (last check)',
      type: 'stat',
      width: 6,
      queries: [['min(mint_invariants_ok)', 'ok']],
    },
    {
      title: 'Invariant violations (last check)',
      type: 'stat',
      width: 6,
      queries: [['max(mint_invariant_violations)', 'violations']],
    },
    {
      title: 'Circulating supply (AZR)',
      type: 'stat',
      width: 6,
      queries: [['max(mint_circulating_supply_azr)', 'AZR']],
    },
    {
      title: 'Last invariant check',
      type: 'stat',
      unit: 's',
      width: 6,
      queries: [['max(mint_invariant_check_age_seconds)', 'age']],
    },
    {
      title: 'Pending entries',
      queries: [['max(mint_pending_entries)', 'pending']],
    },
    {
      title: 'Oldest pending entry',
      unit: 's',
      queries: [['max(mint_oldest_pending_seconds)', 'age']],
    },
    {
      title: 'Sweeper recoveries by outcome',
      queries: [[`sum by (outcome) (increase(mint_sweeper_recovered_total${RATE}))`, '{{outcome}}']],
    },
    {
      title: 'Sweeper last run',
      unit: 's',
      queries: [['max(mint_sweeper_last_run_age_seconds)', 'age']],
    },
  ],
  'ai-website-builder': [
    {
      title: 'Renders by kind and outcome',
      unit: 'reqps',
      queries: [[`sum by (kind, outcome) (rate(website_builder_renders_total${RATE}))`, '{{kind}} {{outcome}}']],
    },
    {
      title: 'Render duration by kind',
      unit: 's',
      queries: quantiles('website_builder_render_duration_seconds', '', 'kind'),
    },
    {
      title: 'Browsers connected',
      type: 'stat',
      width: 6,
      queries: [['min(website_builder_browsers_connected)', 'browsers']],
    },
    {
      title: 'Pool pages in use',
      type: 'stat',
      width: 6,
      queries: [['max(website_builder_browser_pool_in_use)', 'in use']],
    },
    {
      title: 'Pool size',
      type: 'stat',
      width: 6,
      queries: [['max(website_builder_browser_pool_size)', 'pages']],
    },
    {
      title: 'Publishes (last hour)',
      type: 'stat',
      width: 6,
      queries: [['sum(increase(website_builder_publishes_total[1h]))', 'publishes']],
    },
    {
      title: 'Browser pool usage',
      queries: [
        ['max(website_builder_browser_pool_in_use)', 'in use'],
        ['max(website_builder_browser_pool_size)', 'size'],
        ['max(website_builder_browser_pool_queued)', 'queued'],
      ],
    },
    {
      title: 'Browser relaunches after a crash',
      queries: [['max(website_builder_browser_restarts)', 'restarts']],
    },
    {
      title: 'Publishes by outcome',
      unit: 'reqps',
      queries: [[`sum by (outcome) (rate(website_builder_publishes_total${RATE}))`, '{{outcome}}']],
    },
    {
      title: 'Accessibility violations found by impact',
      queries: [[`sum by (impact) (increase(website_builder_audit_violations_total${RATE}))`, '{{impact}}']],
    },
  ],
  'ai-vision': [
    {
      title: 'Analyses by result',
      unit: 'reqps',
      queries: [[`sum by (result) (rate(vision_analyses_total${RATE}))`, '{{result}}']],
    },
    {
      title: 'Rejected images by reason',
      unit: 'reqps',
      queries: [[`sum by (reason) (rate(vision_rejected_total${RATE}))`, '{{reason}}']],
    },
    {
      title: 'Inference duration',
      unit: 's',
      queries: quantiles('vision_inference_duration_seconds'),
    },
    {
      title: 'Queue depth',
      queries: [['max(vision_queue_depth)', 'images waiting']],
    },
    {
      title: 'Live tensors (growth means a leak)',
      queries: [['max(vision_tensors)', 'tensors']],
    },
  ],
};

/** The HTTP panels every service dashboard starts with (metrics from @azora/metrics). */
function httpPanels(service: string): PanelSpec[] {
  const sel = `{service="${service}"}`;
  const api = `{service="${service}",route!="/metrics"}`;
  return [
    {
      title: 'Up',
      type: 'stat',
      width: 6,
      queries: [[`max(up${sel})`, 'up']],
    },
    {
      title: 'Ready (main-app status poller)',
      type: 'stat',
      width: 6,
      queries: [[`max(platform_service_ready{target="${service}"})`, 'ready']],
    },
    {
      title: 'Resident memory',
      type: 'stat',
      unit: 'bytes',
      width: 6,
      queries: [[`max(process_resident_memory_bytes${sel})`, 'rss']],
    },
    {
      title: 'Event loop lag p99',
      type: 'stat',
      unit: 's',
      width: 6,
      queries: [[`max(nodejs_eventloop_lag_p99_seconds${sel})`, 'lag']],
    },
    {
      title: 'Requests by route',
      unit: 'reqps',
      queries: [[`sum by (route) (rate(http_requests_total${api}${RATE}))`, '{{route}}']],
    },
    {
      title: '5xx ratio',
      unit: 'percentunit',
      queries: [
        [
          `sum(rate(http_requests_total{service="${service}",status=~"5.."}${RATE})) / sum(rate(http_requests_total${sel}${RATE}))`,
          '5xx',
        ],
      ],
    },
    {
      title: 'Latency p95 by route',
      unit: 's',
      width: 24,
      queries: quantiles('http_request_duration_seconds', api, 'route'),
    },
  ];
}

function overviewPanels(): PanelSpec[] {
  const apps = '{tier="app"}';
  const api = '{route!="/metrics"}';
  return [
    { title: 'Up', type: 'stat', queries: [[`up${apps}`, '{{service}}']] },
    { title: 'Ready (main-app status poller)', type: 'stat', queries: [['platform_service_ready', '{{target}}']] },
    {
      title: 'Request rate',
      unit: 'reqps',
      queries: [[`sum by (service) (rate(http_requests_total${api}${RATE}))`, '{{service}}']],
    },
    {
      title: '5xx ratio',
      unit: 'percentunit',
      queries: [
        [
          `sum by (service) (rate(http_requests_total{status=~"5.."}${RATE})) / sum by (service) (rate(http_requests_total${RATE}))`,
          '{{service}}',
        ],
      ],
    },
    {
      title: 'Latency p50',
      unit: 's',
      queries: [[quantiles('http_request_duration_seconds', api, 'service')[0]?.[0] as string, '{{service}}']],
    },
    {
      title: 'Latency p95',
      unit: 's',
      queries: [[quantiles('http_request_duration_seconds', api, 'service')[1]?.[0] as string, '{{service}}']],
    },
    {
      title: 'Resident memory',
      unit: 'bytes',
      queries: [['sum by (service) (process_resident_memory_bytes)', '{{service}}']],
    },
    {
      title: 'CPU',
      unit: 'percentunit',
      queries: [[`sum by (service) (rate(process_cpu_seconds_total${RATE}))`, '{{service}}']],
    },
  ];
}

function panel(spec: PanelSpec, id: number, x: number, y: number) {
  const width = spec.width ?? 12;
  return {
    id,
    type: spec.type ?? 'timeseries',
    title: spec.title,
    datasource: DATASOURCE,
    gridPos: { h: spec.type === 'stat' ? 4 : 8, w: width, x, y },
    fieldConfig: { defaults: { unit: spec.unit ?? 'short' }, overrides: [] },
    options:
      spec.type === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' }
        : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi' } },
    targets: spec.queries.map(([expr, legendFormat], i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr,
      legendFormat,
    })),
  };
}

/** Lays panels out left to right in rows of 24 columns. */
function dashboard(uid: string, title: string, tags: string[], specs: PanelSpec[]) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = specs.map((spec, i) => {
    const width = spec.width ?? 12;
    const height = spec.type === 'stat' ? 4 : 8;
    if (x + width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const built = panel(spec, i + 1, x, y);
    x += width;
    rowHeight = Math.max(rowHeight, height);
    return built;
  });
  return {
    uid,
    title,
    tags: ['azora', ...tags],
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}

export type Dashboard = ReturnType<typeof dashboard>;

/** Services in the compose files but main-app: each gets a dashboard with its domain panels. */
export function dashboardServices(): string[] {
  return composeServiceNames().filter((name) => getService(name).group !== 'console');
}

/** File name → dashboard, for the overview and each service. */
export function buildDashboards(): Map<string, Dashboard> {
  const dashboards = new Map<string, Dashboard>([
    [
      'platform-overview.json',
      dashboard('azora-overview', 'Azora OS — platform overview', ['overview'], overviewPanels()),
    ],
  ]);
  for (const name of dashboardServices()) {
    const domain = DOMAIN_PANELS[name];
    if (!domain) throw new Error(`${name} has no domain panels in scripts/src/grafana.ts (DOMAIN_PANELS)`);
    dashboards.set(
      `${name}.json`,
      dashboard(`azora-${name}`, `Azora OS — ${name}`, [name], [...httpPanels(name), ...domain]),
    );
  }
  return dashboards;
}

export function dashboardText(value: Dashboard): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

if (process.argv[1] === import.meta.filename && process.argv.includes('--write')) {
  const written = [...buildDashboards()].map(([file, value]) => {
    writeFileSync(join(REPO_ROOT, DASHBOARD_DIR, file), dashboardText(value));
    return join(DASHBOARD_DIR, file);
  });
  // The repo's formatter has the last word on layout (monitoring.test.ts compares content).
  execFileSync(join(REPO_ROOT, 'node_modules/.bin/biome'), ['format', '--write', ...written], { cwd: REPO_ROOT });
  process.stdout.write(`wrote ${written.join(', ')}\n`);
}
