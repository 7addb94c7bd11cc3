/**
 * The client of tracing-recovery's issue API: its open issues
 * (`GET /api/tracing-recovery/issues?status=open`) and the recovery of one
 * (`POST /api/tracing-recovery/issues/:id/recover`, operator role). tracing-recovery
 * refuses to act twice on an issue (409), so a trigger that raced another is harmless.
 */
import { ServiceClient, UpstreamError, z } from '@azora/service-kit';

/** An issue as this scheduler needs it; tracing-recovery's other fields pass through untouched. */
export interface OpenIssue {
  id: string;
  service: string;
  kind: string;
  /** Who is already handling it (a recovery under way, a claim), when someone is. */
  handledBy: string | undefined;
}

/** tracing-recovery's issue: its subject is the service (or the infrastructure piece) at fault. */
const Issue = z
  .object({
    id: z.string().min(1),
    subject: z.string().min(1),
    kind: z.string().min(1),
    /** Who acts on it, while `claimedUntil` is in the future (a claim is a lease). */
    claimedBy: z.string().nullish(),
    claimedUntil: z.string().nullish(),
  })
  .loose();

const IssueList = z.object({ issues: z.array(Issue) }).loose();

export type RecoverOutcome = 'triggered' | 'refused';

export interface RecoveryClientOptions {
  baseUrl: string;
  /** An operator key of tracing-recovery's (its API_KEYS), sent as x-api-key. */
  apiKey: string;
  timeoutMs?: number;
}

export class TracingRecoveryClient {
  readonly #client: ServiceClient;
  readonly #apiKey: string;

  constructor(options: RecoveryClientOptions) {
    this.#client = new ServiceClient({
      service: 'tracing-recovery',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 5000,
    });
    this.#apiKey = options.apiKey;
  }

  async openIssues(): Promise<OpenIssue[]> {
    const { body, status } = await this.#client.call('/api/tracing-recovery/issues?status=open', {
      headers: { 'x-api-key': this.#apiKey },
    });
    const parsed = IssueList.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(
        'tracing-recovery',
        'bad_body',
        'tracing-recovery answered an issue list of an unknown shape',
        status,
      );
    }
    const now = Date.now();
    return parsed.data.issues.map((issue) => ({
      id: issue.id,
      service: issue.subject,
      kind: issue.kind,
      handledBy:
        issue.claimedBy && issue.claimedUntil && Date.parse(issue.claimedUntil) > now ? issue.claimedBy : undefined,
    }));
  }

  /** Asks for the issue's recovery: `refused` when tracing-recovery already acts on it (409). */
  async recover(id: string, fencingToken: number, requestedBy: string): Promise<RecoverOutcome> {
    const response = await this.#client.fetch(`/api/tracing-recovery/issues/${encodeURIComponent(id)}/recover`, {
      method: 'POST',
      json: { requestedBy, fencingToken },
      headers: { 'x-api-key': this.#apiKey, 'x-fencing-token': String(fencingToken) },
    });
    await response.arrayBuffer().catch(() => {});
    if (response.ok) return 'triggered';
    if (response.status === 409) return 'refused';
    throw new UpstreamError(
      'tracing-recovery',
      'bad_status',
      `tracing-recovery answered ${response.status} to the recovery of issue ${id}`,
      response.status,
    );
  }
}
