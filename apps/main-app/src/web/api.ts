// Talks to the gateway. The base URL comes from the server at run time (/config.js sets
// window.__AZORA_CONFIG__ from API_BASE), else from the build (VITE_API_BASE), else '' —
// the page's own origin.
import type { StatusReport } from '../status.ts';
import { credentialHeaders, getCredential, type Identity } from './credentials.ts';

declare global {
  interface Window {
    __AZORA_CONFIG__?: { apiBase?: string };
  }
}

export const API_BASE = (window.__AZORA_CONFIG__?.apiBase || import.meta.env.VITE_API_BASE || '').replace(/\/+$/, '');

/** A failed call, carrying the problem+json the gateway or service answered with. */
export class ApiError extends Error {
  readonly status: number;
  readonly upstream: string | undefined;
  readonly errors: { path: string; message: string }[];
  /** The gateway's reason when it could not forward the call (`unreachable`, `not_deployed`…). */
  readonly failure: string | undefined;
  /** The service's machine-readable reason, when it gives one (e.g. ai-chatbot's `session_expired`). */
  readonly code: string | undefined;
  /** A refusal's `reason` extension, when the service gives one (e.g. 5g-manager's `SLICE_FULL` on a 409). */
  readonly reason: string | undefined;
  /** The whole answer, parsed, for what a page reads beyond the message (a problem's extensions). */
  readonly body: unknown;

  constructor(
    status: number,
    message: string,
    upstream?: string,
    errors: { path: string; message: string }[] = [],
    failure?: string,
    code?: string,
    reason?: string,
    body?: unknown,
  ) {
    super(message);
    this.status = status;
    this.upstream = upstream;
    this.errors = errors;
    this.failure = failure;
    this.code = code;
    this.reason = reason;
    this.body = body;
  }

  /** The service is down, slow or not deployed (as opposed to bad input). */
  get unavailable(): boolean {
    return (
      this.status === 0 ||
      this.status === 502 ||
      this.status === 503 ||
      this.status === 504 ||
      this.failure === 'not_deployed'
    );
  }
}

/** Anything a call threw, as an ApiError (a network failure or a bug becomes status 0). */
export const asApiError = (caught: unknown): ApiError =>
  caught instanceof ApiError ? caught : new ApiError(0, String(caught));

interface Problem {
  title?: string;
  detail?: string;
  upstream?: string;
  failure?: string;
  code?: string;
  errors?: { path: string; message: string }[];
  /** Some routes answer `{ error: why }` instead of a problem detail. */
  error?: unknown;
  /**
   * A refusal's reason: 5g-manager's `SLICE_FULL` beside a problem's detail, or the whole
   * answer `{ status: 'refused', reason: why }` (tracing-recovery's refused recovery, a 422).
   */
  reason?: unknown;
}

export interface ApiInit extends RequestInit {
  /** Sent as a JSON body. */
  json?: unknown;
  /** Send the credential the person signed in with (see credentials.ts), when there is one. */
  auth?: boolean;
}

export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const { json, auth, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('accept', 'application/json');
  if (json !== undefined) headers.set('content-type', 'application/json');
  if (auth) for (const [name, value] of Object.entries(credentialHeaders(getCredential()))) headers.set(name, value);
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      ...rest,
      headers,
      body: json === undefined ? rest.body : JSON.stringify(json),
    });
  } catch {
    throw new ApiError(0, 'The console cannot reach its server. Check your connection.');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = (body ?? {}) as Problem;
    const message =
      problem.detail ??
      (typeof problem.error === 'string' ? problem.error : undefined) ??
      (typeof problem.reason === 'string' ? problem.reason : undefined) ??
      problem.title ??
      `HTTP ${response.status}`;
    throw new ApiError(
      response.status,
      message,
      problem.upstream,
      problem.errors,
      problem.failure,
      problem.code,
      typeof problem.reason === 'string' ? problem.reason : undefined,
      body,
    );
  }
  return body as T;
}

export const getStatus = () => api<StatusReport>('/api/platform/status');

/**
 * A random UUID for an event, so that the service counts it once however often it is
 * sent. `crypto.randomUUID` exists only on secure pages (https, localhost); a console
 * opened over plain http elsewhere builds one from `getRandomValues`.
 */
export function newEventId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Response shapes of the AI services (see the services' READMEs and the API contracts).

export interface SentimentScores {
  compound: number;
  pos: number;
  neu: number;
  neg: number;
}
export interface SentenceSentiment extends SentimentScores {
  text: string;
  label: string;
}
export interface SentimentResult extends SentimentScores {
  label: string;
  sentences: SentenceSentiment[];
}

export interface ChatReply {
  sessionId: string;
  reply: string;
  intent: string;
  confidence: number;
  sources?: { id: string; question: string }[];
  handoff: boolean;
  sentiment: { label: string; compound: number } | null;
}
export interface ChatSession {
  id: string;
  messages: { role: 'user' | 'assistant'; text: string; at: string; intent?: string; confidence?: number }[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface VisionResult {
  format: string;
  width: number;
  height: number;
  orientation: string;
  bytes: number;
  dominantColor: string;
  palette: { hex: string; population: number }[];
  phash: string;
  blurhash: string;
  objects: { label: string; score: number; box: Box }[];
  faces: { count: number; items: { score: number; box: Box; age?: number; gender?: string; emotion?: string }[] };
  timings: { decodeMs: number; inferenceMs: number };
}

export interface Recommendation {
  id: string;
  title: string;
  category: string;
  tags: string[];
  score: number;
  reason: 'collaborative' | 'content' | 'popular';
}
export interface Recommendations {
  userId: string;
  k: number;
  model: { version: string | number; builtAt: string | null; ageSeconds: number | null };
  items: Recommendation[];
}

// azora-mint, the AZR ledger. Amounts are decimal strings of base units (1 AZR = 10^18).

export interface MintAccount {
  id: string;
  owner: string;
  kind: string;
  balance: string;
  createdAt: string;
  updatedAt?: string;
}
export interface MintEntry {
  id: string;
  type: 'mint' | 'transfer' | 'burn' | 'reversal' | (string & {});
  status: string;
  amount: string;
  fee?: string;
  from?: string | null;
  to?: string | null;
  memo?: string | null;
  /** The signed change of the account whose history this is ("-5", "5"). */
  delta: string;
  createdAt: string;
  reverses?: string;
}
export interface MintEntries {
  entries: MintEntry[];
  nextCursor: string | null;
}
export interface MintSupply {
  cap: string;
  minted: string;
  burned: string;
  circulating: string;
}

// ai-website-builder: briefs to sites (a tree of pages → sections → blocks), versions,
// renders, audits and publishing.

export interface SiteTemplate {
  id: string;
  name: string;
  kind: string;
  description: string;
}
export interface SiteColours {
  primary: string;
  accent: string;
  background: string;
  text: string;
}
export interface SiteBlock {
  id: string;
  type: string;
  props: Record<string, unknown>;
}
export interface SiteSection {
  id: string;
  type: string;
  blocks: SiteBlock[];
}
export interface SitePage {
  id: string;
  slug: string;
  title: string;
  sections: SiteSection[];
}
export interface Publication {
  subdomain: string;
  version: number;
  url: string;
  publishedAt: string;
}
export interface Site {
  id: string;
  owner: string;
  name: string;
  template: string;
  subdomain: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  content: {
    theme: { colours: SiteColours; fonts: { heading: string; body: string }; spacing: unknown };
    seo: { title: string; description: string };
    pages: SitePage[];
  };
  published: Publication | null;
}
export interface SiteVersion {
  version: number;
  createdAt: string;
  author: string;
  summary: string;
}
export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';
export interface Audit {
  site: string;
  version: number;
  createdAt: string;
  violations: { rule: string; impact: Impact; help: string; selectors: string[] }[];
  counts: Record<Impact, number>;
}

/** The answer to a GET sent with the person's credential, once it is a 2xx; otherwise its problem as an ApiError. */
async function fetchOk(path: string, accept: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      headers: { accept, ...credentialHeaders(getCredential()) },
    });
  } catch {
    throw new ApiError(0, 'The console cannot reach its server. Check your connection.');
  }
  if (response.ok) return response;
  let problem: Problem = {};
  try {
    problem = (await response.json()) as Problem;
  } catch {
    // Not problem+json: the status says enough.
  }
  throw new ApiError(
    response.status,
    problem.detail ?? problem.title ?? `HTTP ${response.status}`,
    problem.upstream,
    problem.errors,
    problem.failure,
    problem.code,
  );
}

/**
 * A binary answer (a screenshot, a PDF) or a page's HTML, fetched with the credential the
 * person signed in with: an <img> or <iframe> pointed at the URL could not send it.
 */
export async function fetchWithCredential(path: string, accept: string): Promise<Blob> {
  return (await fetchOk(path, accept)).blob();
}

/** A file to save, fetched with the credential, with the name its server gave it (Content-Disposition), when it did. */
export async function downloadWithCredential(
  path: string,
  accept: string,
): Promise<{ blob: Blob; disposition: string | null }> {
  const response = await fetchOk(path, accept);
  return { blob: await response.blob(), disposition: response.headers.get('content-disposition') };
}

// The jurisdiction services (gdpr-compliance, ccpa-compliance, lgpd-compliance): data-subject
// requests with statutory deadlines, the PII scanner and the compliance summary.

export interface ComplianceRegime {
  regime: string;
  name: string;
  timeZone: string;
  requestTypes: { type: string; label: string; legalReference: string }[];
  lawfulBases: { id: string; label: string; legalReference: string }[];
  extension: { maxCount: number; description: string; legalReference: string } | null;
  pausesWhileVerifying: boolean;
}
export interface InterimDeadline {
  name: string;
  label: string;
  legalReference: string;
  dueAt: string;
  doneAt: string | null;
}
export interface DsrRequest {
  id: string;
  type: string;
  typeLabel: string;
  legalReference: string;
  status: 'received' | 'identity_verified' | 'in_progress' | 'completed' | 'rejected' | (string & {});
  receivedAt: string;
  dueAt: string | null;
  originalDueAt: string | null;
  clockPaused: boolean;
  overdue: boolean;
  interim: InterimDeadline[];
  extensions: { at: string; reason: string; previousDueAt: string; dueAt: string; by: string }[];
  lookBackFrom: string | null;
  subject: { id: string; kind: string };
  verifiedAt: string | null;
  completedAt: string | null;
  rejectedAt: string | null;
  rejectionReason: string | null;
  createdBy: string;
  createdAt: string;
}
export interface PiiFinding {
  type: string;
  start: number;
  end: number;
  confidence: number;
}
export interface PiiScan {
  findings: PiiFinding[];
  redacted?: string;
}
export interface ComplianceSummary {
  regime: string;
  name: string;
  requests: { open: number; overdue: number };
  breaches: { open: number; contained: number; closed: number };
  notifications: { pending: number; missed: number };
  score: number;
}

// The four regimes' own routes (hipaa-compliance, sox-compliance, pipeda-compliance,
// south-african-compliance), beside the core's above.

const HIPAA = '/api/hipaa-compliance';
const SOX = '/api/sox-compliance';
const PIPEDA = '/api/pipeda-compliance';
const POPIA = '/api/south-african-compliance';
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

export interface PhiAccess {
  id: string;
  at: string;
  kind: 'read' | 'disclosure' | (string & {});
  outcome: 'ok' | 'refused' | (string & {});
  recordId: string;
  patient: { subjectId: string };
  accessor: string;
  role: string;
  purpose: string;
  fields: string[];
  withheld: string[];
  recipient: string | null;
  description: string | null;
  reason: string | null;
}
export interface PhiAccounting {
  patient?: { subjectId: string };
  accessor?: string;
  from: string;
  to: string;
  truncated: boolean;
  entries: PhiAccess[];
}
export interface BusinessAssociate {
  id: string;
  name: string;
  services: string[];
  phiCategories: string[];
  signedAt: string | null;
  reviewDueAt: string;
  lastReviewedAt: string | null;
  terminatedAt: string | null;
  active: boolean;
  signed: boolean;
  reviewOverdue: boolean;
}

/** §164.528: every read and disclosure of one patient's PHI (`kind:value`), refused reads included. */
export const hipaaAccounting = (patient: string) =>
  api<PhiAccounting>(`${HIPAA}/phi/accounting?${q({ patient })}`, { auth: true });
export const hipaaAssociates = () =>
  api<{ associates: BusinessAssociate[] }>(`${HIPAA}/baa/associates`, { auth: true }).then((a) => a.associates);

export interface SoxChange {
  id: string;
  title: string;
  system: string;
  description: string;
  risk: 'low' | 'medium' | 'high' | (string & {});
  status: 'requested' | 'approved' | 'rejected' | 'deployed' | (string & {});
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  rejectedBy: string | null;
  rejectedAt: string | null;
  rejectionReason: string | null;
  deployedBy: string | null;
  deployedAt: string | null;
}
export interface SoxDeficiency {
  id: string;
  controlId: string;
  testId: string | null;
  severity: string;
  description: string;
  identifiedAt: string;
  status: 'open' | 'remediated' | (string & {});
  remediatedAt: string | null;
  remediation: string | null;
}
export interface SoxControl {
  id: string;
  key: string;
  title: string;
}
export interface SoxCertification {
  id: string;
  quarter: string;
  periodEnd: string;
  dueAt: string;
  dueDate: string;
  complete: boolean;
  completedAt: string | null;
  overdue: boolean;
  officers: { subject: string; title: string; statement: string | null; attestedAt: string | null }[];
}

export const soxChanges = () => api<{ changes: SoxChange[] }>(`${SOX}/changes`, { auth: true }).then((a) => a.changes);
export const soxRequestChange = (change: { title: string; system: string; description: string; risk: string }) =>
  api<SoxChange>(`${SOX}/changes`, { method: 'POST', auth: true, json: change });
/** Approve, reject (with the reason) or deploy; the service refuses the requester's own change with a 403. */
export const soxChangeStep = (id: string, step: 'approve' | 'reject' | 'deploy', text?: string) =>
  api<SoxChange>(`${SOX}/changes/${encodeURIComponent(id)}/${step}`, {
    method: 'POST',
    auth: true,
    json: step === 'reject' ? { reason: text } : text ? { note: text } : {},
  });
export const soxOpenDeficiencies = () =>
  api<{ deficiencies: SoxDeficiency[] }>(`${SOX}/deficiencies?${q({ status: 'open' })}`, { auth: true }).then(
    (a) => a.deficiencies,
  );
export const soxControls = () =>
  api<{ controls: SoxControl[] }>(`${SOX}/controls`, { auth: true }).then((a) => a.controls);
export const soxCertifications = () =>
  api<{ certifications: SoxCertification[] }>(`${SOX}/certifications`, { auth: true }).then((a) => a.certifications);
export const soxAttest = (id: string, statement: string) =>
  api<SoxCertification>(`${SOX}/certifications/${encodeURIComponent(id)}/attest`, {
    method: 'POST',
    auth: true,
    json: { statement },
  });

export type RroshLevel = 'low' | 'medium' | 'high';
export interface RroshRule {
  legalReference: string;
  rule: string;
  levels: RroshLevel[];
  factors: Record<string, string>;
  harms: Record<string, string>;
}
export interface RroshInput {
  sensitivity: RroshLevel;
  probabilityOfMisuse: RroshLevel;
  factors: string[];
  harms?: string[];
  rationale: string;
}
export interface RroshAssessment {
  rrosh: {
    sensitivity: RroshLevel;
    probabilityOfMisuse: RroshLevel;
    adjustedProbability: RroshLevel;
    factors: string[];
    harms: string[];
    rationale: string;
    computedOutcome: 'real_risk' | 'no_real_risk';
    outcome: 'real_risk' | 'no_real_risk';
    overridden: boolean;
  };
}
export interface BreachRecord {
  id: string;
  title: string;
  state: string;
  detectedAt: string;
  rroshOutcome: string | null;
  keptUntil: string;
  deletable: boolean;
}

export const pipedaRroshRule = () => api<RroshRule>(`${PIPEDA}/pipeda/rrosh-rule`, { auth: true });
/** The assessment as the service would record it, without recording a breach. */
export const pipedaEvaluate = (rrosh: RroshInput) =>
  api<RroshAssessment>(`${PIPEDA}/pipeda/rrosh/evaluate`, { method: 'POST', auth: true, json: { rrosh } });
export const pipedaBreachRecords = () =>
  api<{ records: BreachRecord[] }>(`${PIPEDA}/pipeda/breach-records`, { auth: true }).then((a) => a.records);
export const pipedaDeleteBreach = (id: string) =>
  api<{ id: string; deleted: true }>(`${PIPEDA}/breaches/${encodeURIComponent(id)}`, { method: 'DELETE', auth: true });

export interface PopiaPerson {
  name: string;
  email: string;
  phone: string;
}
export interface InformationOfficerPerson extends PopiaPerson {
  /** With `registeredAt`, once the Information Regulator has registered the officer (both or neither). */
  registrationNumber: string | null;
  registeredAt: string | null;
}
export interface InformationOfficer {
  officer: InformationOfficerPerson | null;
  deputies: PopiaPerson[];
  registered: boolean;
}
export type MarketingChannel = 'email' | 'sms' | 'phone' | 'post';
export interface MarketingApproach {
  id: string;
  channel: MarketingChannel | (string & {});
  purpose: string | null;
  kind?: string | null;
  at: string;
  by?: string;
}
export interface MarketingStatus {
  subject: string;
  status: 'not_approached' | 'approached_once' | 'consented' | 'refused' | (string & {});
  approaches: MarketingApproach[];
  refusedApproaches?: (MarketingApproach & { reason: string | null })[];
  decisions: { id: string; decision: 'consented' | 'refused' | (string & {}); at: string; by?: string }[];
}

export const popiaInformationOfficer = () =>
  api<InformationOfficer>(`${POPIA}/popia/information-officer`, { auth: true });
export const popiaSaveInformationOfficer = (body: {
  officer: InformationOfficerPerson | null;
  deputies: PopiaPerson[];
}) => api<InformationOfficer>(`${POPIA}/popia/information-officer`, { method: 'PUT', auth: true, json: body });
export const popiaMarketing = (subject: string) =>
  api<MarketingStatus>(`${POPIA}/popia/marketing?${q({ subject })}`, { auth: true });
/** s.69: one approach for consent per subject; a second is refused with a 409 and its reason. */
export const popiaRecordApproach = (body: { subject: string; channel: MarketingChannel; purpose?: string }) =>
  api<unknown>(`${POPIA}/popia/marketing/approaches`, { method: 'POST', auth: true, json: body });
export const popiaRecordDecision = (body: { subject: string; decision: 'consented' | 'refused' }) =>
  api<unknown>(`${POPIA}/popia/marketing/decisions`, { method: 'POST', auth: true, json: body });

// compliance-dashboard: every jurisdiction service's posture and the IoT integration in one
// overview, read live (a service that does not answer is unreachable: no numbers at all),
// and alerts a DPO acknowledges.

export interface ReachableRegime {
  service: string;
  regime: string;
  name: string;
  reachable: true;
  fetchedAt: string;
  score: number;
  reasons: string[];
  requests: { open: number; overdue: number };
  breaches: Record<string, number>;
  notifications: { pending: number; missed: number; nextDueAt: string | null };
  failingControls: { id: string; title: string; evidence: string }[];
  iotFindings: IotFinding[];
  /** The service had more open requests or breaches than the dashboard lists. */
  timelineTruncated: boolean;
}
export interface UnreachableRegime {
  service: string;
  regime: string;
  name: string;
  reachable: false;
  error: string;
  /** When the service last answered; null when not since the dashboard started. */
  lastSuccessAt: string | null;
}
export type DashboardRegime = ReachableRegime | UnreachableRegime;
export interface DashboardDeadline {
  service: string;
  regime: string;
  kind: 'request' | 'breach_notification' | (string & {});
  id: string;
  dueAt: string;
  label: string;
  overdue: boolean;
}
export interface IotFinding {
  id: string;
  deviceId: string;
  kind: string;
  regime: string;
  detectedAt: string;
  summary: string;
}
export type DashboardIot =
  | {
      reachable: true;
      fetchedAt: string;
      devices: { total: number; online: number; offline: number };
      messages: { accepted: number; rejected: Record<string, number> };
      findings: { open: number; byKind: Record<string, number>; recent: IotFinding[] };
    }
  | { reachable: false; error: string; lastSuccessAt: string | null };
export interface DashboardAlert {
  id: string;
  kind: 'overdue' | 'deadline' | 'iot' | (string & {});
  service: string;
  message: string;
  since: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  note: string | null;
}
export interface DashboardOverview {
  generatedAt: string;
  status: 'ok' | 'degraded';
  regimes: DashboardRegime[];
  deadlines: DashboardDeadline[];
  iot: DashboardIot;
  alerts: DashboardAlert[];
}

const DASHBOARD = '/api/compliance-dashboard';

/** Roles dpo, operator and auditor. */
export const dashboardOverview = () => api<DashboardOverview>(`${DASHBOARD}/overview`, { auth: true });
/** Who the credential is, when the dashboard answers `GET me` (a 404 when it does not). */
export const dashboardMe = () => api<Identity>(`${DASHBOARD}/me`, { auth: true });
/** A dpo only; a 404 when the alert is no longer current (resolved, or its service unreachable). */
export const acknowledgeAlert = (id: string, note?: string) =>
  api<DashboardAlert>(`${DASHBOARD}/alerts/${encodeURIComponent(id)}/acknowledge`, {
    method: 'POST',
    auth: true,
    json: note ? { note } : {},
  });

// automated-reporting: scheduled and on-demand snapshots of the compliance posture as JSON,
// CSV and PDF files; an upstream that failed is listed in the report, never left out.

export interface ReportSchedule {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  enabled: boolean;
  /** A Postgres interval: '90 days', '1 year', '7 years'. */
  retention: string;
  /** Null while the schedule is disabled. */
  nextRunAt: string | null;
  lastRun: {
    scheduledFor: string;
    status: 'running' | 'done' | 'failed' | (string & {});
    reportId: string | null;
    error: string | null;
  } | null;
  updatedAt: string;
}
export type ReportFormat = 'json' | 'csv' | 'pdf';
export interface UpstreamFailure {
  service: string;
  /** How it failed: unreachable, timeout, bad_status, bad_body… */
  failure: string;
  message: string;
}
export interface Report {
  id: string;
  schedule: string | null;
  kind: 'scheduled' | 'on-demand' | (string & {});
  scheduledFor: string | null;
  generatedAt: string;
  requestedBy: string | null;
  status: 'complete' | 'partial' | (string & {});
  /** The jurisdiction services asked (service names). */
  regimes: string[];
  formats: Record<ReportFormat, { bytes: number; sha256: string; url: string }>;
  upstreamErrors: UpstreamFailure[];
  expiresAt: string;
}
export interface ReportPage {
  reports: Report[];
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}
export interface ScheduleChange {
  cron?: string;
  timeZone?: string;
  enabled?: boolean;
}

const REPORTING = '/api/automated-reporting';

/** Who the credential is, and its roles here (any valid API key or token; 401 without). */
export const reportingMe = () => api<Identity>(`${REPORTING}/me`, { auth: true });

/** Roles dpo, operator and auditor. */
export const reportSchedules = () =>
  api<{ schedules: ReportSchedule[] }>(`${REPORTING}/schedules`, { auth: true }).then((a) => a.schedules);
/** A dpo only; a 400 names what is wrong with the cron expression or the time zone. */
export const updateSchedule = (id: string, change: ScheduleChange) =>
  api<ReportSchedule>(`${REPORTING}/schedules/${encodeURIComponent(id)}`, { method: 'PUT', auth: true, json: change });
/** Newest first, `limit` at a time; `cursor` is the previous page's `next`. */
export const listReports = (limit: number, cursor?: string) =>
  api<ReportPage>(`${REPORTING}/reports?${q({ limit: String(limit), ...(cursor ? { cursor } : {}) })}`, {
    auth: true,
  });
/** A dpo or an operator; answers once the report (its PDF included) is stored. */
export const generateReport = (request: { schedule?: string; regimes?: string[] }) =>
  api<Report>(`${REPORTING}/reports`, { method: 'POST', auth: true, json: request });
/** The stored file of one format (the gateway path is the report's `formats[format].url`). */
export const reportFile = (report: Report, format: ReportFormat) =>
  downloadWithCredential(report.formats[format].url, REPORT_TYPES[format]);
const REPORT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv',
  pdf: 'application/pdf',
};

// quantum-iot-integration: devices that publish ML-DSA-signed telemetry over MQTT, the
// messages it rejected, and the compliance findings in what it accepted.

export type RejectionReason = 'bad_signature' | 'unknown_device' | 'replayed' | 'stale' | 'malformed';
export interface IotDevice {
  id: string;
  type: string;
  location: string;
  jurisdiction: string;
  algorithm: 'ML-DSA-44' | 'ML-DSA-65' | (string & {});
  publicKey: string;
  status: 'online' | 'offline' | 'decommissioned' | (string & {});
  lastSeenAt: string | null;
  registeredAt: string;
  registeredBy: string;
  decommissionedAt: string | null;
}
export interface IotFindingRecord {
  id: string;
  deviceId: string;
  kind: string;
  regime: string;
  summary: string;
  detectedAt: string;
  occurrences: number;
  lastDetectedAt: string;
  status: 'open' | 'resolved' | (string & {});
  resolvedAt: string | null;
  resolvedBy: string | null;
}
export interface IotRejection {
  id: string;
  reason: RejectionReason | (string & {});
  /** The device the message claimed to come from (its topic's), unverified. */
  deviceId: string | null;
  detail: string;
  receivedAt: string;
}
export interface IotSummary {
  devices: { total: number; online: number; offline: number };
  messages: { accepted: number; rejected: Record<string, number> };
  findings: { open: number; byKind: Record<string, number>; recent: IotFinding[] };
}
export interface NewDevice {
  id: string;
  type: string;
  location: string;
  jurisdiction: string;
  algorithm?: 'ML-DSA-44' | 'ML-DSA-65';
  /** base64 */
  publicKey: string;
}

const IOT = '/api/quantum-iot-integration';

/** Who the credential is, and its roles here (any valid API key or token; 401 without). */
export const iotMe = () => api<Identity>(`${IOT}/me`, { auth: true });

/** Roles operator, dpo and auditor. */
export const iotSummary = () => api<IotSummary>(`${IOT}/summary`, { auth: true });
export const iotDevices = () => api<{ devices: IotDevice[] }>(`${IOT}/devices`, { auth: true }).then((a) => a.devices);
export const iotOpenFindings = () =>
  api<{ findings: IotFindingRecord[] }>(`${IOT}/findings?${q({ status: 'open', limit: '100' })}`, {
    auth: true,
  }).then((a) => a.findings);
export const iotRejections = (limit: number) =>
  api<{ rejections: IotRejection[] }>(`${IOT}/rejections?${q({ limit: String(limit) })}`, { auth: true }).then(
    (a) => a.rejections,
  );
/** An operator or a dpo; 409 when the id was ever registered. */
export const registerDevice = (device: NewDevice) =>
  api<IotDevice>(`${IOT}/devices`, { method: 'POST', auth: true, json: device });
/** A dpo only. */
export const resolveFinding = (id: string) =>
  api<IotFindingRecord>(`${IOT}/findings/${encodeURIComponent(id)}/resolve`, { method: 'POST', auth: true, json: {} });

// tracing-recovery: the traces every service sends it (OTLP), the service graph drawn from
// them, the health watch of every deployed service, the issues it opens and the recovery
// actions it takes. Reads are public; recovering an issue needs operator or admin.

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}
export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer' | (string & {});
export interface SpanNode {
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTime: string;
  /** Milliseconds from the trace's first span. */
  offsetMs: number;
  durationMs: number;
  depth: number;
  error: boolean;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  children: SpanNode[];
}
export interface TraceView {
  traceId: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  services: string[];
  /** Spans without a parent in the trace (normally one). */
  roots: SpanNode[];
}
export interface DependencyEdge {
  caller: string;
  callee: string;
  calls: number;
  errors: number;
  avgDurationMs: number;
}
export interface ServiceGraph {
  sinceMinutes: number;
  nodes: string[];
  edges: DependencyEdge[];
}
/** A watched service as the detector's last round saw it. */
export interface WatchedService {
  name: string;
  /** null until the first round. */
  ready: boolean | null;
  detail: string;
  consecutiveFailures: number;
  /** A piece or service that is down and explains this one's failure. */
  culprit: string | null;
  checkedAt: string | null;
}
export interface TracedService {
  name: string;
  watched: boolean;
  lastSpanAt: string | null;
  readiness: WatchedService | null;
}
export interface ServiceStats {
  service: string;
  windowMinutes: number;
  from: string;
  to: string;
  requests: number;
  errors: number;
  errorRate: number;
  requestsPerSecond: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  minutes: { minute: string; requests: number; errors: number; avgMs: number | null }[];
}
export interface InfrastructureState {
  piece: string;
  up: boolean | null;
  detail: string;
  downSince: string | null;
  checkedAt: string | null;
}
export interface GuardRails {
  budget: number;
  windowMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  dryRun: boolean;
}
export interface RecoveryStatus {
  /** docker, dev, or none (actions are then recorded as unsupported). */
  runtime: string;
  dryRun: boolean;
  guardRails: GuardRails;
  rounds: number;
  lastRoundAt: string | null;
  lastRoundMs: number | null;
  services: WatchedService[];
  infrastructure: InfrastructureState[];
}
export type IssueKind = 'down' | 'error_rate' | 'latency' | 'infrastructure_down' | 'alert' | (string & {});
export interface OpsIssue {
  id: string;
  subject: string;
  subjectType: 'service' | 'infrastructure' | 'other' | (string & {});
  kind: IssueKind;
  status: 'open' | 'closed';
  summary: string;
  culprit: string | null;
  occurrences: number;
  openedAt: string;
  lastSeenAt: string;
  closedAt: string | null;
  closeReason: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
}
export type RecoveryOutcome =
  | 'succeeded'
  | 'failed'
  | 'dry_run'
  | 'budget_exhausted'
  | 'skipped'
  | 'unsupported'
  | (string & {});
export interface RecoveryAction {
  id: string;
  issueId: string | null;
  service: string;
  action: string;
  runtime: string;
  /** Who asked: the detector (`detector@host:pid`), an operator (`operator:<name>`), the scheduler. */
  trigger: string;
  outcome: RecoveryOutcome;
  detail: string | null;
  attempt: number;
  createdAt: string;
  finishedAt: string | null;
}
export interface TraceSearch {
  service?: string;
  minDurationMs?: number;
  /** true: traces with an error only. */
  error?: boolean;
  sinceMinutes: number;
  limit: number;
}

const TRACING = '/api/tracing-recovery';

/** Who the credential is, and its roles here (any valid API key or token; 401 without). */
export const tracingMe = () => api<Identity>(`${TRACING}/me`, { auth: true });

/** Newest first. */
export const searchTraces = (search: TraceSearch) =>
  api<{ traces: TraceSummary[] }>(
    `${TRACING}/traces?${q({
      ...(search.service ? { service: search.service } : {}),
      ...(search.minDurationMs !== undefined ? { minDurationMs: String(search.minDurationMs) } : {}),
      ...(search.error ? { error: 'true' } : {}),
      sinceMinutes: String(search.sinceMinutes),
      limit: String(search.limit),
    })}`,
  ).then((a) => a.traces);
/** 404 once the trace is past retention. */
export const getTrace = (traceId: string) => api<TraceView>(`${TRACING}/traces/${encodeURIComponent(traceId)}`);
export const tracedServices = () => api<{ services: TracedService[] }>(`${TRACING}/services`).then((a) => a.services);
export const serviceStats = (name: string, minutes: number) =>
  api<ServiceStats>(`${TRACING}/services/${encodeURIComponent(name)}/stats?${q({ minutes: String(minutes) })}`);
export const serviceGraph = (sinceMinutes: number) =>
  api<ServiceGraph>(`${TRACING}/dependencies?${q({ sinceMinutes: String(sinceMinutes) })}`);
/** The detector's last round; answers even while tracing-recovery's own Postgres is down. */
export const recoveryStatus = () => api<RecoveryStatus>(`${TRACING}/status`);
/** Newest opened first. */
export const listIssues = (filter: { status?: 'open' | 'closed'; limit: number }) =>
  api<{ issues: OpsIssue[] }>(
    `${TRACING}/issues?${q({ ...(filter.status ? { status: filter.status } : {}), limit: String(filter.limit) })}`,
  ).then((a) => a.issues);
/** Newest first. */
export const listRecoveries = (limit: number) =>
  api<{ recoveries: RecoveryAction[] }>(`${TRACING}/recoveries?${q({ limit: String(limit) })}`).then(
    (a) => a.recoveries,
  );
/**
 * An operator or an admin. 200: an action was taken (or, in dry-run mode, recorded); 409: not
 * now (someone holds the issue, it is closed, or backing off); 422: refused, with the reason
 * (no runtime, a dependency is the culprit, the restart budget is spent).
 */
export const recoverIssue = (id: string) =>
  api<{ status: 'acted'; action: RecoveryAction; issue: OpsIssue }>(
    `${TRACING}/issues/${encodeURIComponent(id)}/recover`,
    { method: 'POST', auth: true, json: {} },
  );

// snapshot-scheduler: scheduled snapshots of every service's Postgres, Redis and MongoDB data,
// one active replica at a time (a Redis lease with a fencing token). Every read needs a
// credential; snapshots now are for operator or admin, restores for admin.

export type SnapshotKind = 'postgres' | 'redis' | 'mongodb';
export interface SnapshotSummary {
  id: string;
  service: string;
  kind: SnapshotKind | (string & {});
  /** Postgres or MongoDB database, or the Redis key prefix. */
  database: string;
  format: string;
  trigger: 'schedule' | 'manual' | 'demo-seed' | (string & {});
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  instance: string;
  fencingToken: number;
  source: { server: string; version: string; tool?: string };
  totalBytes: number;
  /** tables; keys; collections and documents. */
  contents: Record<string, number>;
}
export interface SnapshotTarget {
  service: string;
  kind: SnapshotKind | (string & {});
  database: string;
}
export interface RecoveryRun {
  at: string;
  open: number;
  handled: string[];
  triggered: string[];
  refused: string[];
  failed: { id: string; error: string }[];
  error?: string;
}
export interface SchedulerStatus {
  /** The replica that answered. */
  instance: string;
  leader: boolean;
  fencingToken: number | null;
  /** Who holds the lease now; absent or null when nobody does. */
  activeScheduler?: { token: number; instance: string; expiresInMs: number } | null;
  schedules: {
    snapshots: { cron: string; next: string | null };
    recovery: { cron: string; next: string | null; enabled: boolean };
  };
  retention: { keep: number; dailyDays: number };
  targets: number;
  lastSnapshotRound: { at: string; trigger: string; outcomes: Record<string, number> } | null;
  lastRecoveryRun: RecoveryRun | null;
}
export type SnapshotOutcome =
  | { service: string; kind: string; database: string; outcome: 'success'; snapshot: SnapshotSummary }
  | { service: string; kind: string; database: string; outcome: 'skipped' | 'failed' | 'fenced'; reason: string };
export interface RestoreResult {
  snapshot: string;
  service: string;
  kind: string;
  target: string;
  startedAt: string;
  durationMs: number;
  restored: Record<string, number>;
}

const SNAPSHOTS = '/api/snapshot-scheduler';

/** Who the credential is, and its roles here (any valid API key or token; 401 without). */
export const snapshotsMe = () => api<Identity>(`${SNAPSHOTS}/me`, { auth: true });

export const schedulerStatus = () => api<SchedulerStatus>(`${SNAPSHOTS}/status`, { auth: true });
export const snapshotTargets = () =>
  api<{ targets: SnapshotTarget[] }>(`${SNAPSHOTS}/targets`, { auth: true }).then((a) => a.targets);
/** Newest first, with how many there are in all. */
export const listSnapshots = (limit: number) =>
  api<{ snapshots: SnapshotSummary[]; total: number }>(`${SNAPSHOTS}/snapshots?${q({ limit: String(limit) })}`, {
    auth: true,
  });
/**
 * An operator or an admin: snapshots of one service's data (or "all"), one after another. A
 * 502 carries each target's outcome (`outcomes`) when some failed.
 */
export const takeSnapshots = (request: { service: string; kind?: SnapshotKind }) =>
  api<{ outcomes: SnapshotOutcome[] }>(`${SNAPSHOTS}/snapshots`, { method: 'POST', auth: true, json: request });
/** An admin only: replaces `target` (the snapshot's own database by default) with the snapshot's data. */
export const restoreSnapshot = (id: string, target?: string) =>
  api<RestoreResult>(`${SNAPSHOTS}/snapshots/${encodeURIComponent(id)}/restore`, {
    method: 'POST',
    auth: true,
    json: target ? { target } : {},
  });
