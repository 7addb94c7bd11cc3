/**
 * infrastructure/monitoring/ as the repo checks read it: Prometheus scrape jobs and alert
 * rules, the metric names a PromQL expression uses, who exports which metric, and the
 * committed Grafana dashboards.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findServiceByApiPrefix, getService, JURISDICTION_SERVICES } from '@azora/catalog';
import { parse } from 'yaml';
import { DASHBOARD_DIR } from './grafana.ts';
import { REPO_ROOT } from './repo.ts';

export const MONITORING_DIR = join(REPO_ROOT, 'infrastructure/monitoring');

export interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}

export interface DnsSdConfig {
  names: string[];
  type?: string;
  port?: number;
  refresh_interval?: string;
}

export interface RelabelConfig {
  source_labels?: string[];
  target_label?: string;
  replacement?: string;
  action?: string;
  regex?: string;
}

export interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  honor_labels?: boolean;
  /** Fixed targets (the services every app stack runs, and monitoring itself). */
  static_configs?: StaticConfig[];
  /** Targets found by DNS name (services only some app stacks run). */
  dns_sd_configs?: DnsSdConfig[];
  relabel_configs?: RelabelConfig[];
}

/**
 * A job's targets as `host:port` with the labels they are given — for a DNS-discovered
 * job, the name it resolves and the labels its relabelling sets.
 */
export function jobTargets(job: ScrapeJob): StaticConfig[] {
  const dns = (job.dns_sd_configs ?? []).map((config) => ({
    targets: config.names.map((name) => `${name}:${config.port}`),
    labels: Object.fromEntries(
      (job.relabel_configs ?? [])
        .filter((r) => r.target_label && r.replacement !== undefined && !r.source_labels && !r.action)
        .map((r) => [r.target_label as string, r.replacement as string]),
    ),
  }));
  return [...(job.static_configs ?? []), ...dns];
}

export interface PrometheusConfig {
  global?: Record<string, unknown>;
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: StaticConfig[] }[] };
  scrape_configs: ScrapeJob[];
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}

export function readPrometheusConfig(): PrometheusConfig {
  return parse(readFileSync(join(MONITORING_DIR, 'prometheus.yml'), 'utf8'));
}

/** The alert rule files, by file name (rules/*.yml). */
export function readRuleFiles(): Map<string, RuleFile> {
  const dir = join(MONITORING_DIR, 'rules');
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith('.yml'))
      .map((file) => [file, parse(readFileSync(join(dir, file), 'utf8')) as RuleFile]),
  );
}

export function alertRules(): AlertRule[] {
  return [...readRuleFiles().values()].flatMap((file) => file.groups.flatMap((group) => group.rules));
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** Metric names a PromQL expression selects (functions, keywords, labels and strings left out). */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match as unknown as [string, string, string | undefined];
    if (call || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Every name a /metrics text makes available: sample names, plus each family's `_bucket`/`_sum`/`_count`. */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
    } else if (line && !line.startsWith('#')) {
      names.add(line.split(/[{\s]/)[0] as string);
    }
  }
  return names;
}

/**
 * The service whose own metrics are `compliance_<segment>_…`: each jurisdiction service by its
 * regime (an extension's, `compliance_hipaa_…`), and the dashboard (`compliance_dashboard_…`).
 */
const REGIME_SERVICES: Readonly<Record<string, string>> = {
  dashboard: 'compliance-dashboard',
  ...Object.fromEntries(JURISDICTION_SERVICES.map((name) => [getService(name).regime, name])),
};

/** Services whose metrics are not named after their API prefix: metric prefix → service. */
const METRIC_PREFIXES: Readonly<Record<string, string>> = {
  mint: 'azora-mint',
  website: 'ai-website-builder',
  iot: 'quantum-iot-integration',
  report: 'automated-reporting',
  reports: 'automated-reporting',
  zero: 'zero-rating',
  fiveg: '5g-manager',
  tracing: 'tracing-recovery',
  recovery: 'tracing-recovery',
  snapshot: 'snapshot-scheduler',
  snapshots: 'snapshot-scheduler',
};

/**
 * The exporter of @azora/compliance-core's `compliance_*` metrics: every jurisdiction
 * service (the ones compliance-dashboard reads), each with its `regime` label.
 */
export const JURISDICTION_EXPORTER = 'jurisdiction services';

/** The jurisdiction services of the catalog (gdpr-compliance, ccpa-compliance, …). */
export function jurisdictionServices(): string[] {
  return [...JURISDICTION_SERVICES];
}

/**
 * Who exports a metric: Prometheus itself (`up`), node-exporter (`node_*`), the service
 * whose API prefix starts the name (`chatbot_*` → ai-chatbot, `platform_*` → main-app;
 * `mint_*` → azora-mint, `website_builder_*` → ai-website-builder, `iot_*` →
 * quantum-iot-integration, `report_*` and `reports_*` → automated-reporting, `zero_rating_*`
 * → zero-rating, `fiveg_*` → 5g-manager: a metric name cannot start with a digit,
 * `tracing_*` and `recovery_*` → tracing-recovery, `snapshot_*` and `snapshots_*` →
 * snapshot-scheduler), every jurisdiction
 * service (`compliance_*`: JURISDICTION_EXPORTER), or every service (the kit's `http_*`,
 * `process_*`, `nodejs_*`: `*`).
 */
export function exporterOf(metric: string): string {
  if (metric === 'up' || metric === 'ALERTS' || metric.startsWith('scrape_')) return 'prometheus';
  if (metric.startsWith('node_')) return 'node-exporter';
  if (metric.startsWith('compliance_')) {
    // compliance_<regime>_…: that regime's own (its extension's); the rest, every jurisdiction service's.
    const regime = metric.split('_')[1] as string;
    return Object.hasOwn(REGIME_SERVICES, regime) ? (REGIME_SERVICES[regime] as string) : JURISDICTION_EXPORTER;
  }
  const prefix = metric.split('_')[0] as string;
  const named = METRIC_PREFIXES[prefix];
  if (named) return named;
  const owner = findServiceByApiPrefix(prefix);
  return owner ? owner.name : '*';
}

/**
 * The services among `services` that must export a metric of `exporter` (exporterOf): every
 * one for `*`, the jurisdiction services for JURISDICTION_EXPORTER, else the one named.
 */
export function exportingServices(exporter: string, services: readonly string[]): string[] {
  if (exporter === '*') return [...services];
  if (exporter === JURISDICTION_EXPORTER) {
    const jurisdiction = new Set(jurisdictionServices());
    return services.filter((name) => jurisdiction.has(name));
  }
  return services.filter((name) => name === exporter);
}

export interface DashboardQuery {
  file: string;
  panel: string;
  expr: string;
}

/** The committed dashboards, by file name. */
export function readDashboards(): Map<string, Record<string, unknown>> {
  const dir = join(REPO_ROOT, DASHBOARD_DIR);
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8'))]),
  );
}

export function dashboardQueries(): DashboardQuery[] {
  return [...readDashboards()].flatMap(([file, dashboard]) =>
    ((dashboard.panels ?? []) as { title: string; targets?: { expr: string }[] }[]).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ file, panel: panel.title, expr: target.expr })),
    ),
  );
}

/** A Grafana expression as plain PromQL (its interval variables replaced). */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '1m');
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a monitoring CLI (promtool, amtool) in infrastructure/monitoring/. */
export function runTool(command: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: MONITORING_DIR, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (error && code === 127 ? error.message : '') });
    });
  });
}

/** On-call e-mail settings as an operator fills them in vessels/.env (the checks' values). */
export const EXAMPLE_ALERT_ENV = {
  ALERT_EMAIL_TO: 'on-call@azora.test',
  ALERT_EMAIL_FROM: 'alertmanager@azora.test',
  ALERT_SMTP_SMARTHOST: 'smtp.azora.test:587',
  ALERT_SMTP_USERNAME: 'alertmanager',
  ALERT_SMTP_PASSWORD: 'check-smtp-password',
  ALERT_SMTP_REQUIRE_TLS: 'true',
} as const;

/**
 * alertmanager.yml rendered by its container entrypoint (alertmanager-entrypoint.sh) with
 * `env`, written to `dir` beside the SMTP password file the configuration names.
 */
export async function renderAlertmanagerConfig(dir: string, env: Record<string, string> = { ...EXAMPLE_ALERT_ENV }) {
  const script = join(MONITORING_DIR, 'alertmanager-entrypoint.sh');
  const runEnv = {
    PATH: process.env.PATH ?? '',
    ...env,
    ALERTMANAGER_CONFIG: join(MONITORING_DIR, 'alertmanager.yml'),
    ALERTMANAGER_RUN_DIR: dir,
  };
  const { stdout } = await promisify(execFile)('sh', [script, 'render'], { env: runEnv });
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, stdout);
  await writeFile(join(dir, 'alertmanager-smtp-password'), env.ALERT_SMTP_PASSWORD ?? '', { mode: 0o600 });
  return file;
}
