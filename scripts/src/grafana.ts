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
import { getService, JURISDICTION_SERVICES } from '@azora/catalog';
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

/**
 * A jurisdiction service's panels: its @azora/compliance-core metrics, which every one of
 * them exports, so each query selects the service.
 */
function jurisdictionPanels(service: string): PanelSpec[] {
  const of = `{service="${service}"}`;
  return [
    {
      title: 'Open and overdue data subject requests',
      queries: [
        [`max(compliance_requests_open${of})`, 'open'],
        [`max(compliance_requests_overdue${of})`, 'overdue'],
      ],
    },
    {
      title: 'Breaches by state',
      queries: [[`max by (state) (compliance_breaches${of})`, '{{state}}']],
    },
    {
      title: 'Overdue requests',
      type: 'stat',
      width: 6,
      queries: [[`max(compliance_requests_overdue${of})`, 'overdue']],
    },
    {
      title: 'Nearest breach notification deadline',
      type: 'stat',
      unit: 's',
      width: 6,
      queries: [[`min(compliance_notification_deadline_seconds${of})`, 'due in']],
    },
    {
      title: 'Notification deadlines missed',
      type: 'stat',
      width: 6,
      queries: [[`max(compliance_notification_deadlines_missed${of})`, 'missed']],
    },
    {
      title: 'Assessment score',
      type: 'stat',
      width: 6,
      queries: [[`min(compliance_score${of})`, 'score']],
    },
    {
      title: 'Notifications past the internal target (no legal deadline)',
      queries: [[`max(compliance_notification_targets_missed${of})`, 'past target']],
    },
    {
      title: 'PII found by scans, by type',
      unit: 'reqps',
      queries: [[`sum by (type) (rate(compliance_pii_findings_total${of}${RATE}))`, '{{type}}']],
    },
    {
      title: 'PII scans',
      unit: 'reqps',
      queries: [[`sum(rate(compliance_pii_scans_total${of}${RATE}))`, 'scans']],
    },
    ...(REGIME_PANELS[service] ?? []),
  ];
}

/** What a regime's extension exports (`compliance_<regime>_*`), on its service's dashboard. */
const REGIME_PANELS: Readonly<Record<string, readonly PanelSpec[]>> = {
  'hipaa-compliance': [
    {
      title: 'PHI reads by role and outcome (minimum necessary)',
      unit: 'reqps',
      queries: [[`sum by (role, outcome) (rate(compliance_hipaa_phi_reads_total${RATE}))`, '{{role}} {{outcome}}']],
    },
    {
      title: 'PHI disclosures by purpose',
      unit: 'reqps',
      queries: [[`sum by (purpose) (rate(compliance_hipaa_disclosures_total${RATE}))`, '{{purpose}}']],
    },
    {
      title: 'BAA reviews overdue',
      type: 'stat',
      width: 6,
      queries: [['max(compliance_hipaa_baa_reviews_overdue)', 'overdue']],
    },
  ],
  'sox-compliance': [
    {
      title: 'Open deficiencies by severity',
      queries: [['max by (severity) (compliance_sox_open_deficiencies)', '{{severity}}']],
    },
    {
      title: 'Changes by status',
      queries: [['max by (status) (compliance_sox_changes)', '{{status}}']],
    },
    {
      title: 'Segregation of duties refusals',
      unit: 'reqps',
      queries: [[`sum by (step) (rate(compliance_sox_sod_refusals_total${RATE}))`, '{{step}}']],
    },
    {
      title: 's.302 certifications overdue',
      type: 'stat',
      width: 6,
      queries: [['max(compliance_sox_certifications_overdue)', 'overdue']],
    },
  ],
  'pipeda-compliance': [
    {
      title: 'Breach records kept (s. 10.3)',
      type: 'stat',
      width: 6,
      queries: [['max(compliance_pipeda_breach_records)', 'records']],
    },
    {
      title: 'RROSH assessments by outcome',
      queries: [['max by (outcome) (compliance_pipeda_rrosh_assessments_total)', '{{outcome}}']],
    },
  ],
  'south-african-compliance': [
    {
      title: 'Information Officer registered',
      type: 'stat',
      width: 6,
      queries: [['max(compliance_popia_information_officer_registered)', 'registered']],
    },
    {
      title: 'Direct-marketing approaches by outcome (s.69)',
      unit: 'reqps',
      queries: [[`sum by (outcome) (rate(compliance_popia_marketing_approaches_total${RATE}))`, '{{outcome}}']],
    },
  ],
};

/** Domain panels per service: its own metrics (contracts.md). A service without an entry fails the generator. */
const DOMAIN_PANELS: Record<string, readonly PanelSpec[]> = {
  'compliance-dashboard': [
    {
      title: 'Regimes reachable',
      queries: [['max by (regime) (compliance_dashboard_regime_reachable)', '{{regime}}']],
    },
    {
      title: 'Score per regime (as the dashboard last read it)',
      queries: [['max by (regime) (compliance_dashboard_regime_score)', '{{regime}}']],
    },
    {
      title: 'Alerts open and acknowledged by kind',
      queries: [
        ['max by (kind) (compliance_dashboard_alerts_open)', 'open {{kind}}'],
        ['max by (kind) (compliance_dashboard_alerts_acknowledged)', 'acknowledged {{kind}}'],
      ],
    },
    {
      title: 'Upstream read duration',
      unit: 's',
      queries: quantiles('compliance_dashboard_upstream_request_duration_seconds', '', 'upstream'),
    },
  ],
  'automated-reporting': [
    {
      title: 'Reports generated by schedule and outcome (per hour)',
      queries: [['sum by (schedule, outcome) (increase(reports_generated_total[1h]))', '{{schedule}} {{outcome}}']],
    },
    {
      title: 'Generation duration',
      unit: 's',
      queries: quantiles('report_generation_duration_seconds', '', 'schedule'),
    },
    {
      title: 'Time since the last scheduled report',
      unit: 's',
      queries: [['time() - max by (schedule) (report_last_success_timestamp_seconds)', '{{schedule}}']],
    },
    {
      title: 'Schedules waiting for their report (ReportScheduleLate past 1 h)',
      unit: 's',
      queries: [['max by (schedule) (report_schedule_overdue_seconds)', '{{schedule}}']],
    },
    {
      title: 'Retention sweeper: reports and files deleted (per hour)',
      queries: [
        ['sum(increase(reports_swept_total[1h]))', 'reports'],
        ['sum(increase(report_files_swept_total[1h]))', 'files'],
      ],
    },
  ],
  'quantum-iot-integration': [
    {
      title: 'Telemetry accepted and rejected by reason',
      unit: 'reqps',
      queries: [
        [`sum(rate(iot_messages_accepted_total${RATE}))`, 'accepted'],
        [`sum by (reason) (rate(iot_messages_rejected_total${RATE}))`, 'rejected {{reason}}'],
      ],
    },
    {
      title: 'ML-DSA signature verification',
      unit: 's',
      queries: quantiles('iot_signature_verify_seconds', '', 'algorithm'),
    },
    {
      title: 'Compliance findings by kind (per hour)',
      queries: [['sum by (kind) (increase(iot_findings_total[1h]))', '{{kind}}']],
    },
    {
      title: 'Devices online and broker connection',
      queries: [
        ['max(iot_devices_online)', 'devices online'],
        ['max(iot_mqtt_connected)', 'connected to the broker'],
        [`sum(rate(iot_messages_redelivered_total${RATE}))`, 'redelivered by the broker'],
      ],
    },
  ],
  'tracing-recovery': [
    {
      title: 'Spans received by encoding, and stored',
      unit: 'reqps',
      queries: [
        [`sum by (encoding) (rate(tracing_spans_received_total${RATE}))`, 'received {{encoding}}'],
        [`sum(rate(tracing_spans_stored_total${RATE}))`, 'stored'],
      ],
    },
    {
      title: 'Open issues by kind',
      queries: [['max by (kind) (recovery_issues_open)', '{{kind}}']],
    },
    {
      title: 'Recovery actions by service and outcome (per hour)',
      queries: [['sum by (service, outcome) (increase(recovery_actions_total[1h]))', '{{service}} {{outcome}}']],
    },
    {
      title: 'Services ready and infrastructure up, as tracing-recovery sees them',
      queries: [
        ['max by (service) (recovery_service_ready)', 'ready {{service}}'],
        ['max by (piece) (recovery_infrastructure_up)', 'up {{piece}}'],
      ],
    },
    {
      title: 'Spans kept',
      queries: [['max(tracing_spans_rows)', 'rows']],
    },
  ],
  'snapshot-scheduler': [
    {
      title: 'Age of the newest snapshot per service and kind',
      unit: 's',
      queries: [['time() - max by (service, kind) (snapshot_last_success_timestamp_seconds)', '{{service}} {{kind}}']],
    },
    {
      title: 'Snapshot size',
      unit: 'bytes',
      queries: [['max by (service, kind) (snapshot_bytes)', '{{service}} {{kind}}']],
    },
    {
      title: 'Snapshots and restores by outcome (per hour)',
      queries: [
        ['sum by (outcome) (increase(snapshots_total[1h]))', 'snapshots {{outcome}}'],
        ['sum by (outcome) (increase(snapshot_restores_total[1h]))', 'restores {{outcome}}'],
      ],
    },
    {
      title: 'Leader and recovery triggers (per hour)',
      queries: [
        ['sum(snapshot_scheduler_leader)', 'leaders (1 expected)'],
        ['sum by (outcome) (increase(snapshot_recovery_triggers_total[1h]))', 'triggers {{outcome}}'],
      ],
    },
  ],
  'zero-rating': [
    {
      title: 'Classifications by outcome',
      unit: 'reqps',
      queries: [[`sum by (outcome) (rate(zero_rating_classifications_total${RATE}))`, '{{outcome}}']],
    },
    {
      title: 'Zero-rated bytes and quota exhaustions by operator (per hour)',
      queries: [
        ['sum by (operator) (increase(zero_rating_usage_bytes_total[1h]))', 'bytes {{operator}}'],
        ['sum by (operator) (increase(zero_rating_quota_exhaustions_total[1h]))', 'exhausted {{operator}}'],
      ],
    },
    {
      title: 'Compiled table: prefixes, rules, operators',
      queries: [
        ['max by (family) (zero_rating_trie_prefixes)', 'prefixes {{family}}'],
        ['max(zero_rating_rules)', 'rules'],
        ['max(zero_rating_operators)', 'operators'],
      ],
    },
    {
      title: 'Table rebuilds by trigger, and the oldest version check',
      queries: [
        [`sum by (trigger) (rate(zero_rating_table_rebuilds_total${RATE}))`, 'rebuilds {{trigger}}'],
        ['max(zero_rating_table_check_age_seconds)', 'seconds since a version check'],
      ],
    },
  ],
  '5g-manager': [
    {
      title: 'Slice load: sessions of the maximum',
      unit: 'percentunit',
      queries: [['max by (snssai) (fiveg_slice_sessions / fiveg_slice_max_sessions)', '{{snssai}}']],
    },
    {
      title: 'Slice p95 latency against its budget',
      unit: 's',
      queries: [
        ['max by (snssai) (fiveg_slice_latency_p95_seconds)', 'p95 {{snssai}}'],
        ['max by (snssai) (fiveg_slice_latency_budget_seconds)', 'budget {{snssai}}'],
      ],
    },
    {
      title: 'Admissions by outcome',
      unit: 'reqps',
      queries: [[`sum by (outcome) (rate(fiveg_admissions_total${RATE}))`, '{{outcome}}']],
    },
    {
      title: 'Cell load',
      unit: 'percentunit',
      queries: [['max by (cell) (fiveg_cell_load_ratio)', '{{cell}}']],
    },
    {
      title: 'Network summary reads by cache result, and rebuilds',
      queries: [
        [`sum by (cache) (rate(fiveg_summary_reads_total${RATE}))`, 'reads {{cache}}'],
        [`sum(rate(fiveg_summary_builds_total${RATE}))`, 'rebuilds'],
      ],
    },
  ],
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

/** A jurisdiction service's own panels: @azora/compliance-core's gauges and counters, its `regime`. */
function compliancePanels(selector: string): PanelSpec[] {
  return [
    {
      title: 'Open data-subject requests',
      type: 'stat',
      width: 6,
      queries: [[`max by (regime) (compliance_requests_open${selector})`, '{{regime}}']],
    },
    {
      title: 'Overdue data-subject requests',
      type: 'stat',
      width: 6,
      queries: [[`max by (regime) (compliance_requests_overdue${selector})`, '{{regime}}']],
    },
    {
      title: 'Notification deadlines missed',
      type: 'stat',
      width: 6,
      queries: [[`max by (regime) (compliance_notification_deadlines_missed${selector})`, '{{regime}}']],
    },
    {
      title: 'Compliance score',
      type: 'stat',
      width: 6,
      queries: [[`max by (regime) (compliance_score${selector})`, '{{regime}}']],
    },
    {
      title: 'Requests open and overdue',
      queries: [
        [`max by (regime) (compliance_requests_open${selector})`, 'open {{regime}}'],
        [`max by (regime) (compliance_requests_overdue${selector})`, 'overdue {{regime}}'],
      ],
    },
    {
      title: 'Breaches by state',
      queries: [[`max by (regime, state) (compliance_breaches${selector})`, '{{regime}} {{state}}']],
    },
    {
      title: 'Time to the nearest breach notification deadline (negative: past)',
      unit: 's',
      queries: [[`min by (regime) (compliance_notification_deadline_seconds${selector})`, '{{regime}}']],
    },
    {
      title: 'Notifications past the internal target, per regime',
      queries: [[`max by (regime) (compliance_notification_targets_missed${selector})`, '{{regime}}']],
    },
    {
      title: 'PII findings by type',
      unit: 'ops',
      queries: [
        [`sum by (regime, type) (rate(compliance_pii_findings_total${selector}${RATE}))`, '{{regime}} {{type}}'],
        [`sum by (regime) (rate(compliance_pii_scans_total${selector}${RATE}))`, 'scans {{regime}}'],
      ],
    },
  ];
}

/**
 * Dashboards across the services of a group, beside the per-service ones: file → the
 * services it needs (written when one of them is in the compose files), uid, title, panels.
 */
export const GROUP_DASHBOARDS: Readonly<
  Record<string, { services: readonly string[]; uid: string; title: string; panels: () => PanelSpec[] }>
> = {
  'privacy-compliance.json': {
    services: JURISDICTION_SERVICES,
    uid: 'azora-privacy-compliance',
    title: 'Azora OS — privacy compliance (every regime)',
    panels: () => compliancePanels(''),
  },
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
  const inCompose = new Set(dashboardServices());
  for (const [file, group] of Object.entries(GROUP_DASHBOARDS)) {
    if (group.services.some((name) => inCompose.has(name)))
      dashboards.set(file, dashboard(group.uid, group.title, ['compliance'], group.panels()));
  }
  for (const name of dashboardServices()) {
    const domain = (JURISDICTION_SERVICES as readonly string[]).includes(name)
      ? jurisdictionPanels(name)
      : DOMAIN_PANELS[name];
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
