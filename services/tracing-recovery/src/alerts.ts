// Alertmanager's webhook (payload version 4): each alert becomes evidence on an issue.
// ServiceDown / ServiceNotReady mean "down", HighErrorRatio "error_rate", HighLatencyP95
// "latency" — the detector verifies those itself before anything is restarted; any other
// alert is kept as an "alert" issue that closes when Alertmanager says it resolved.
import { findService } from '@azora/catalog';
import { z } from '@azora/service-kit';
import type { IssueKind } from './issues.ts';

const labels = z.record(z.string().max(200), z.string().max(2000));

export const webhookSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook payload version)' }),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(200).optional(),
  groupKey: z.string().max(2000).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  groupLabels: labels.optional(),
  commonLabels: labels.optional(),
  commonAnnotations: labels.optional(),
  externalURL: z.string().max(2000).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labels.refine((l) => typeof l.alertname === 'string' && l.alertname !== '', {
          error: 'every alert needs an alertname label',
        }),
        annotations: labels.optional(),
        startsAt: z.string().max(100).optional(),
        endsAt: z.string().max(100).optional(),
        generatorURL: z.string().max(2000).optional(),
        fingerprint: z.string().max(100).optional(),
      }),
    )
    .max(1000, { error: 'at most 1000 alerts per notification' }),
});

export type Webhook = z.infer<typeof webhookSchema>;
export type WebhookAlert = Webhook['alerts'][number];

const KINDS: Record<string, IssueKind> = {
  ServiceDown: 'down',
  ServiceNotReady: 'down',
  HighErrorRatio: 'error_rate',
  HighLatencyP95: 'latency',
};

export interface AlertTarget {
  subject: string;
  subjectType: 'service' | 'other';
  kind: IssueKind;
}

/** Which issue an alert is evidence for. */
export function alertTarget(alert: WebhookAlert): AlertTarget {
  const alertname = alert.labels.alertname as string;
  const service = alert.labels.service;
  const kind = KINDS[alertname];
  if (kind && service && findService(service)) return { subject: service, subjectType: 'service', kind };
  // Anything else: one issue per alert name and service label.
  return { subject: service ? `${alertname}:${service}` : alertname, subjectType: 'other', kind: 'alert' };
}
