// infrastructure/monitoring/ against Prometheus' and Alertmanager's own checkers
// (Debian prometheus 2.42, prometheus-alertmanager 0.25) and against the catalog.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getService } from '@azora/catalog';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeServiceNames, readComposeFile, servicesInEveryMonitoredStack } from './compose.ts';
import { buildDashboards, DATASOURCE, GROUP_DASHBOARDS } from './grafana.ts';
import {
  alertRules,
  EXAMPLE_ALERT_ENV,
  exporterOf,
  JURISDICTION_EXPORTER,
  jobTargets,
  MONITORING_DIR,
  promqlMetricNames,
  readDashboards,
  readPrometheusConfig,
  readRuleFiles,
  renderAlertmanagerConfig,
  runTool,
  type ScrapeJob,
} from './monitoring.ts';

const read = (path: string) => parse(readFileSync(join(MONITORING_DIR, path), 'utf8'));
/** The promtool unit test files, tests/*.test.yml. */
const unitTestFiles = () => readdirSync(join(MONITORING_DIR, 'tests')).filter((file) => file.endsWith('.test.yml'));

describe('Prometheus and Alertmanager accept the configuration', () => {
  it('promtool check config prometheus.yml (with its rule files)', async () => {
    const run = await runTool('promtool', ['check', 'config', 'prometheus.yml']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/SUCCESS: [1-9]\d* rule files? found/);
  });

  it('promtool check rules', async () => {
    const files = [...readRuleFiles().keys()].map((file) => `rules/${file}`);
    const run = await runTool('promtool', ['check', 'rules', ...files]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });

  it('promtool test rules: every alert behaves as its unit tests say', async () => {
    const run = await runTool('promtool', ['test', 'rules', ...unitTestFiles().map((file) => `tests/${file}`)]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });

  it('has a unit test file for every rule file', () => {
    const tested = unitTestFiles().flatMap((file) => (read(`tests/${file}`) as { rule_files: string[] }).rule_files);
    for (const file of readRuleFiles().keys()) expect(tested, file).toContain(`../rules/${file}`);
  });

  it('amtool check-config alertmanager.yml, rendered by its entrypoint from the on-call settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'azora-alertmanager-'));
    try {
      const file = await renderAlertmanagerConfig(dir);
      const run = await runTool('amtool', ['check-config', file]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const rendered = parse(readFileSync(file, 'utf8'));
      expect(rendered.global.smtp_smarthost).toBe(EXAMPLE_ALERT_ENV.ALERT_SMTP_SMARTHOST);
      expect(rendered.global.smtp_auth_password_file).toBe(join(dir, 'alertmanager-smtp-password'));
      expect(readFileSync(file, 'utf8'), 'the password stays out of the configuration').not.toContain(
        EXAMPLE_ALERT_ENV.ALERT_SMTP_PASSWORD,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('prometheus.yml', () => {
  const config = readPrometheusConfig();
  const jobs = new Map(config.scrape_configs.map((job) => [job.job_name, job]));

  it('has a job for every catalog service in the compose files, node-exporter, Prometheus and Alertmanager — and no other', () => {
    expect([...jobs.keys()].sort()).toEqual(
      [...composeServiceNames(), 'prometheus', 'alertmanager', 'node-exporter'].sort(),
    );
  });

  const everywhere = new Set(servicesInEveryMonitoredStack());
  it.each(composeServiceNames().map((name) => [name]))('scrapes %s where the catalog says it listens', (name) => {
    const entry = getService(name);
    const job = jobs.get(name);
    expect(job?.metrics_path ?? '/metrics').toBe(entry.metricsPath);
    expect(job?.honor_labels, 'keeps the service label the kit sets').toBe(true);
    expect(jobTargets(job as ScrapeJob)).toEqual([
      { targets: [`${name}:${entry.port}`], labels: { service: name, tier: 'app' } },
    ]);
    if (everywhere.has(name)) {
      // Every app stack runs it: a fixed target, down (ServiceDown) when it stops.
      expect(job?.dns_sd_configs, 'a fixed target').toBeUndefined();
    } else {
      // Only some stacks run it: found by DNS name, so a stack without it has no target that is down.
      expect(job?.static_configs, `${name} is not in every app stack: found by DNS name`).toBeUndefined();
      expect(job?.dns_sd_configs).toEqual([expect.objectContaining({ names: [name], type: 'A', port: entry.port })]);
    }
  });

  it('scrapes node-exporter, Alertmanager and itself on their standard ports', () => {
    expect(jobs.get('node-exporter')?.static_configs?.[0]?.targets).toEqual(['node-exporter:9100']);
    expect(jobs.get('alertmanager')?.static_configs?.[0]?.targets).toEqual(['alertmanager:9093']);
    expect(jobs.get('prometheus')?.static_configs?.[0]?.targets).toEqual(['localhost:9090']);
  });

  it('loads the rules and sends alerts to Alertmanager', () => {
    expect(config.rule_files).toEqual(['rules/*.yml']);
    expect(config.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['alertmanager:9093']);
  });
});

describe('alert rules', () => {
  const rules = alertRules();
  type UnitTests = {
    tests: {
      alert_rule_test: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
    }[];
  };
  const cases = unitTestFiles().flatMap((file) =>
    (read(`tests/${file}`) as UnitTests).tests.flatMap((test) => test.alert_rule_test),
  );

  it('covers what the issue asks for', () => {
    const names = rules.map((rule) => rule.alert);
    for (const name of ['ServiceDown', 'ServiceNotReady', 'HighErrorRatio', 'HighLatencyP95'])
      expect(names).toContain(name);
    for (const name of ['HostHighCpu', 'HostLowMemory', 'HostDiskAlmostFull']) expect(names).toContain(name);
    expect(rules.find((r) => r.alert === 'HighLatencyP95')?.expr).toContain('http_request_duration_seconds_bucket');
    expect(rules.find((r) => r.alert === 'ServiceNotReady')?.expr).toContain('platform_service_ready');
    // One domain alert for each AI service that has a metric worth alerting on.
    for (const service of ['ai-personalization', 'ai-chatbot', 'ai-vision']) {
      const prefix = getService(service).apiPrefix;
      expect(
        rules.some((rule) => promqlMetricNames(rule.expr).some((m) => m.startsWith(`${prefix}_`))),
        service,
      ).toBe(true);
    }
    // The ledger: a broken invariant pages; stuck entries and a stale check warn.
    const mint = (name: string) => rules.find((r) => r.alert === name);
    expect(mint('MintInvariantViolated')).toMatchObject({ for: '1m', labels: { severity: 'critical' } });
    expect(mint('MintInvariantViolated')?.expr).toMatch(/mint_invariants_ok\) == 0|mint_invariants_ok == 0/);
    expect(mint('MintEntriesStuckPending')).toMatchObject({ for: '2m', labels: { severity: 'warning' } });
    expect(mint('MintEntriesStuckPending')?.expr).toMatch(/mint_oldest_pending_seconds\) > 60$/);
    expect(mint('MintInvariantCheckStale')).toMatchObject({ for: '5m' });
    expect(mint('MintInvariantCheckStale')?.expr).toMatch(/mint_invariant_check_age_seconds\) > 300$/);
    for (const rule of rules.filter((r) => r.alert.startsWith('Mint')))
      for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe('azora-mint');
    // The website builder: no browser connected pages; failing and slow renders warn.
    const builder = (name: string) => rules.find((r) => r.alert === name);
    expect(builder('WebsiteBuilderBrowserPoolDown')).toMatchObject({ for: '2m', labels: { severity: 'critical' } });
    expect(builder('WebsiteBuilderBrowserPoolDown')?.expr).toMatch(/website_builder_browsers_connected\) == 0$/);
    expect(builder('WebsiteBuilderRenderFailures')).toMatchObject({ labels: { severity: 'warning' } });
    expect(builder('WebsiteBuilderRenderFailures')?.expr).toContain('website_builder_renders_total{outcome!="ok"}');
    expect(builder('WebsiteBuilderSlowRenders')?.expr).toContain('website_builder_render_duration_seconds_bucket');
    for (const rule of rules.filter((r) => r.alert.startsWith('WebsiteBuilder')))
      for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe('ai-website-builder');
    // The compliance services: an overdue data-subject request warns; a breach notification due
    // within 12 hours, or one whose deadline passed unmade, pages — per service and regime.
    const compliance = (name: string) => rules.find((r) => r.alert === name);
    expect(compliance('ComplianceRequestsOverdue')).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
    expect(compliance('ComplianceRequestsOverdue')?.expr).toMatch(/compliance_requests_overdue\) > 0$/);
    expect(compliance('ComplianceBreachNotificationDueSoon')).toMatchObject({ labels: { severity: 'critical' } });
    expect(compliance('ComplianceBreachNotificationDueSoon')?.expr).toMatch(
      /compliance_notification_deadline_seconds\) < 12 \* 3600 > 0$/,
    );
    expect(compliance('ComplianceNotificationDeadlineMissed')).toMatchObject({ labels: { severity: 'critical' } });
    expect(compliance('ComplianceNotificationDeadlineMissed')?.expr).toMatch(
      /compliance_notification_deadlines_missed\) > 0$/,
    );
    const unreachable = 'ComplianceRegimeUnreachable';
    for (const rule of rules.filter((r) => r.alert.startsWith('Compliance') && r.alert !== unreachable)) {
      expect(rule.expr, `${rule.alert} keeps the service and regime labels`).toContain('by (service, regime)');
      for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe(JURISDICTION_EXPORTER);
    }
    // The dashboard cannot read a regime's service: a warning, from the dashboard's own gauge.
    expect(compliance(unreachable)).toMatchObject({ for: '2m', labels: { severity: 'warning' } });
    expect(compliance(unreachable)?.expr).toBe('max by (service, regime) (compliance_dashboard_regime_reachable) == 0');
    expect(exporterOf('compliance_dashboard_regime_reachable')).toBe('compliance-dashboard');
    // A regime's own alerts (Hipaa*, Sox*, Popia*) read metrics only that regime's service exports.
    const regimeAlerts = { Hipaa: 'hipaa-compliance', Sox: 'sox-compliance', Popia: 'south-african-compliance' };
    for (const [prefix, service] of Object.entries(regimeAlerts)) {
      const own = rules.filter((r) => r.alert.startsWith(prefix));
      expect(own.length, prefix).toBeGreaterThan(0);
      for (const rule of own) {
        expect(rule.expr, `${rule.alert} keeps the service and regime labels`).toContain('by (service, regime)');
        for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe(service);
      }
    }
    // The IoT integration: forged or replayed telemetry and a lost broker page; reports that
    // fail or are late warn. Each reads only its own service's metrics.
    expect(compliance('IotSignatureFailures')).toMatchObject({ labels: { severity: 'critical' } });
    expect(compliance('IotSignatureFailures')?.expr).toContain(
      'iot_messages_rejected_total{reason=~"bad_signature|replayed"}',
    );
    expect(compliance('IotBrokerDisconnected')?.expr).toBe('max by (service) (iot_mqtt_connected) == 0');
    expect(compliance('ReportGenerationFailed')?.expr).toContain('reports_generated_total{outcome="failed"}');
    expect(compliance('ReportScheduleLate')?.expr).toBe(
      'max by (service, schedule) (report_schedule_overdue_seconds) > 3600',
    );
    for (const [prefix, service] of [
      ['Iot', 'quantum-iot-integration'],
      ['Report', 'automated-reporting'],
    ] as const)
      for (const rule of rules.filter((r) => r.alert.startsWith(prefix)))
        for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe(service);
    // The telecom services: a slice over its latency budget or nearly full warns, a zero-rating
    // replica that cannot see the rules' version pages — each from its own service's metrics.
    expect(compliance('SliceLatencyBudgetBreached')?.expr).toBe(
      'max by (service, slice, snssai) (fiveg_slice_latency_budget_breached) == 1',
    );
    expect(compliance('SliceNearlyFull')?.expr).toContain('fiveg_slice_sessions / fiveg_slice_max_sessions');
    expect(compliance('ZeroRatingTableStale')).toMatchObject({ labels: { severity: 'critical' } });
    for (const [prefix, service] of [
      ['Slice', '5g-manager'],
      ['ZeroRating', 'zero-rating'],
    ] as const)
      for (const rule of rules.filter((r) => r.alert.startsWith(prefix)))
        for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe(service);
    // The operations: a used-up restart budget, infrastructure down and a failed restore page;
    // a stale snapshot warns — each from its own service's metrics.
    expect(compliance('RecoveryBudgetExhausted')?.expr).toContain('recovery_budget_exhausted_total');
    expect(compliance('InfrastructureDown')?.expr).toBe('max by (piece) (recovery_infrastructure_up) == 0');
    expect(compliance('SnapshotStale')?.expr).toContain('snapshot_last_success_timestamp_seconds');
    expect(compliance('SnapshotRestoreFailed')?.expr).toContain('snapshot_restores_total{outcome="failed"}');
    for (const [prefix, service] of [
      ['Recovery', 'tracing-recovery'],
      ['InfrastructureDown', 'tracing-recovery'],
      ['Snapshot', 'snapshot-scheduler'],
    ] as const)
      for (const rule of rules.filter((r) => r.alert.startsWith(prefix)))
        for (const metric of promqlMetricNames(rule.expr)) expect(exporterOf(metric), metric).toBe(service);
    expect(compliance('SoxCertificationOverdue')).toMatchObject({ labels: { severity: 'critical' } });
    expect(compliance('SoxMaterialWeaknessOpen')?.expr).toContain('severity="material_weakness"');
  });

  it.each(rules.map((rule) => [rule.alert, rule]))('%s has a summary, a description and a severity', (_name, rule) => {
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toBeTruthy();
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.for, 'a for: duration, so a single bad scrape does not page').toMatch(/^\d+[smh]$/);
  });

  it.each(rules.map((rule) => [rule.alert]))('%s has unit tests where it fires and where it stays quiet', (name) => {
    const own = cases.filter((c) => c.alertname === name);
    expect(
      own.some((c) => c.exp_alerts.length > 0),
      'a case where it fires',
    ).toBe(true);
    expect(
      own.some((c) => c.exp_alerts.length === 0),
      'a case where it does not',
    ).toBe(true);
  });

  it('gives every alert a service label, which the inhibition rule matches on', () => {
    for (const c of cases) for (const alert of c.exp_alerts) expect(alert.exp_labels.service, c.alertname).toBeTruthy();
  });
});

describe('alertmanager.yml', () => {
  const config = read('alertmanager.yml');
  const text = readFileSync(join(MONITORING_DIR, 'alertmanager.yml'), 'utf8');

  it('groups by alert and service, with a default receiver and a route for critical alerts', () => {
    expect(config.route.group_by).toEqual(['alertname', 'service']);
    const receivers = config.receivers.map((r: { name: string }) => r.name);
    expect(receivers).toContain(config.route.receiver);
    const critical = config.route.routes.find((r: { matchers: string[] }) =>
      r.matchers.includes('severity="critical"'),
    );
    expect(receivers).toContain(critical?.receiver);
  });

  it('lets a critical alert silence the warnings of the same service', () => {
    expect(config.inhibit_rules).toContainEqual({
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"'],
      equal: ['service'],
    });
  });

  it('delivers to tracing-recovery’s webhook at its catalog port and API prefix', () => {
    const recovery = getService('tracing-recovery');
    const urls: string[] = config.receivers.flatMap((r: { webhook_configs?: { url: string }[] }) =>
      (r.webhook_configs ?? []).map((w) => w.url),
    );
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls)
      expect(url).toMatch(new RegExp(`^http://${recovery.name}:${recovery.port}/api/${recovery.apiPrefix}/`));
  });

  it('e-mails critical alerts and warnings to a person, and still hands them on to the recovery webhooks', () => {
    const [first, ...rest] = config.route.routes;
    expect(first).toMatchObject({ receiver: 'on-call', matchers: ['severity=~"critical|warning"'], continue: true });
    expect(rest.map((r: { receiver: string }) => r.receiver)).toContain('critical');
    const onCall = config.receivers.find((r: { name: string }) => r.name === 'on-call');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder the entrypoint fills in
    expect(onCall.email_configs[0].to).toBe('${ALERT_EMAIL_TO}');
  });

  it('takes every placeholder from the variables its compose service sets', () => {
    const monitoring = readComposeFile('vessels/docker-compose.monitoring.yml') as {
      services: { alertmanager: { environment: Record<string, string> } };
    };
    const set = new Set([...Object.keys(monitoring.services.alertmanager.environment), 'ALERTMANAGER_RUN_DIR']);
    const placeholders = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
    expect(placeholders.length).toBeGreaterThan(0);
    for (const name of placeholders) expect(set, name).toContain(name);
  });

  it('holds no secrets and no placeholders that break at run time', () => {
    expect(text).not.toMatch(/YOUR_|CHANGE_?ME|example\.(com|org)|hooks\.slack\.com|xxx/i);
    expect(text).not.toMatch(/^\s*(api_url|auth_password|password|api_key|routing_key|service_key):/m);
  });
});

describe('Grafana provisioning', () => {
  const dashboards = readDashboards();

  it('provisions the Prometheus data source the dashboards use, at the compose service URL', () => {
    const datasources = read('grafana/provisioning/datasources/prometheus.yml').datasources;
    expect(datasources).toContainEqual(
      expect.objectContaining({ uid: DATASOURCE.uid, type: 'prometheus', url: 'http://prometheus:9090' }),
    );
    const providers = read('grafana/provisioning/dashboards/azora.yml').providers;
    expect(providers[0].options.path).toBe('/etc/grafana/dashboards');
    const compose = readFileSync(join(MONITORING_DIR, '../../vessels/docker-compose.monitoring.yml'), 'utf8');
    expect(compose).toContain('../infrastructure/monitoring/grafana/dashboards:/etc/grafana/dashboards:ro');
  });

  it('has the dashboards scripts/src/grafana.ts generates, up to date (pnpm --filter @azora/scripts dashboards)', () => {
    const generated = buildDashboards();
    expect([...dashboards.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [file, dashboard] of generated)
      expect(dashboards.get(file), file).toEqual(JSON.parse(JSON.stringify(dashboard)));
  });

  it('has an overview, one dashboard per service in the compose files (main-app: the overview) and the group dashboards of those services', () => {
    const services = composeServiceNames().filter((name) => name !== 'main-app');
    const groups = Object.entries(GROUP_DASHBOARDS)
      .filter(([, group]) => group.services.some((name) => services.includes(name)))
      .map(([file]) => file);
    expect([...dashboards.keys()].sort()).toEqual(
      ['platform-overview.json', ...groups, ...services.map((name) => `${name}.json`)].sort(),
    );
  });

  it('shows open and overdue requests, breaches by state, the nearest notification deadline, the score and PII findings per regime on the privacy-compliance dashboard', () => {
    const privacy = dashboards.get('privacy-compliance.json') as
      | { panels: { targets: { expr: string }[] }[] }
      | undefined;
    if (!composeServiceNames().some((name) => GROUP_DASHBOARDS['privacy-compliance.json']?.services.includes(name)))
      return expect(privacy).toBeUndefined();
    const exprs = (privacy?.panels ?? []).flatMap((p) => p.targets.map((t) => t.expr));
    const metrics = new Set(exprs.flatMap((expr) => promqlMetricNames(expr)));
    for (const metric of [
      'compliance_requests_open',
      'compliance_requests_overdue',
      'compliance_breaches',
      'compliance_notification_deadline_seconds',
      'compliance_notification_deadlines_missed',
      'compliance_score',
      'compliance_pii_findings_total',
    ])
      expect(metrics, metric).toContain(metric);
    for (const expr of exprs) expect(expr, 'per regime').toMatch(/by \(regime/);
    for (const metric of metrics) expect(exporterOf(metric), metric).toBe(JURISDICTION_EXPORTER);
  });

  it('shows the ledger’s own metrics on the azora-mint dashboard', () => {
    const mint = dashboards.get('azora-mint.json') as { panels: { targets: { expr: string }[] }[] };
    const metrics = new Set(mint.panels.flatMap((p) => p.targets.flatMap((t) => promqlMetricNames(t.expr))));
    for (const metric of [
      'mint_entries_total',
      'mint_transfer_duration_seconds_bucket',
      'mint_pending_entries',
      'mint_oldest_pending_seconds',
      'mint_invariants_ok',
      'mint_circulating_supply_azr',
      'mint_sweeper_recovered_total',
    ])
      expect(metrics, metric).toContain(metric);
  });

  it('shows the website builder’s renders, browser pool, audits and publishes on its dashboard', () => {
    const builder = dashboards.get('ai-website-builder.json') as { panels: { targets: { expr: string }[] }[] };
    const metrics = new Set(builder.panels.flatMap((p) => p.targets.flatMap((t) => promqlMetricNames(t.expr))));
    for (const metric of [
      'website_builder_renders_total',
      'website_builder_render_duration_seconds_bucket',
      'website_builder_browsers_connected',
      'website_builder_browser_pool_in_use',
      'website_builder_browser_pool_size',
      'website_builder_browser_pool_queued',
      'website_builder_audit_violations_total',
      'website_builder_publishes_total',
    ])
      expect(metrics, metric).toContain(metric);
    for (const metric of metrics)
      if (metric.startsWith('website_')) expect(exporterOf(metric), metric).toBe('ai-website-builder');
  });

  it.each([...dashboards].map(([file, d]) => [file, d]))('%s is a valid provisioned dashboard', (_file, dashboard) => {
    const d = dashboard as {
      uid: string;
      title: string;
      panels: {
        id: number;
        datasource: unknown;
        targets: { expr: string; refId: string; datasource: unknown }[];
        gridPos: { w: number; x: number };
      }[];
    };
    expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(d.title).toBeTruthy();
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    for (const panel of d.panels) {
      expect(panel.datasource).toEqual(DATASOURCE);
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(target.datasource).toEqual(DATASOURCE);
        expect(promqlMetricNames(target.expr).length, target.expr).toBeGreaterThan(0);
      }
    }
    const uids = [...dashboards.values()].map((x) => (x as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });
});

describe('promqlMetricNames', () => {
  it('finds metric names and leaves out functions, labels, strings, groupings and durations', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{route!="/metrics"}[5m]))) > 1',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(promqlMetricNames('label_replace(platform_service_ready, "service", "$1", "target", "(.+)") == 0')).toEqual([
      'platform_service_ready',
    ]);
    expect(promqlMetricNames('absent(platform_service_ready) and on() up{service="main-app"} == 1')).toEqual([
      'platform_service_ready',
      'up',
    ]);
    expect(promqlMetricNames('sum(rate(a_total[$__rate_interval])) / sum without (x) (b) offset 5m')).toEqual([
      'a_total',
      'b',
    ]);
  });
});
