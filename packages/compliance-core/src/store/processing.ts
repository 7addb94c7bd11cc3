// Records of processing activities (GDPR Art. 30 and the other regimes' equivalents), with
// the CSV export a supervisory authority asks for.
import type { ProcessingActivity } from '../generated/prisma/client.ts';
import { type StoreContext, StoreError, write } from './context.ts';

export interface ProcessingInput {
  name: string;
  controller: string;
  purposes: string[];
  lawfulBasis: string;
  dataCategories: string[];
  subjectCategories: string[];
  recipients: string[];
  transfers: { country: string; safeguard: string }[];
  retention: string;
}

function presentActivity(activity: ProcessingActivity) {
  return {
    id: activity.id,
    name: activity.name,
    controller: activity.controller,
    purposes: activity.purposes,
    lawfulBasis: activity.lawfulBasis,
    dataCategories: activity.dataCategories,
    subjectCategories: activity.subjectCategories,
    recipients: activity.recipients,
    transfers: activity.transfers as ProcessingInput['transfers'],
    retention: activity.retention,
    createdBy: activity.createdBy,
    createdAt: activity.createdAt.toISOString(),
    updatedAt: activity.updatedAt.toISOString(),
  };
}
export type ActivityView = ReturnType<typeof presentActivity>;

export async function createActivity(ctx: StoreContext, actor: string, input: ProcessingInput) {
  const bases = ctx.pack.lawfulBases.map((basis) => basis.id);
  if (!bases.includes(input.lawfulBasis)) {
    throw new StoreError(
      422,
      `"${input.lawfulBasis}" is not a lawful basis under ${ctx.pack.name}; allowed: ${bases.join(', ')}`,
    );
  }
  try {
    return await write(ctx, actor, async (tx, audit) => {
      const activity = await tx.processingActivity.create({ data: { ...input, createdBy: actor } });
      await audit({
        action: 'processing.recorded',
        entityType: 'processing_activity',
        entityId: activity.id,
        data: { ...input },
      });
      return presentActivity(activity);
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') {
      throw new StoreError(409, `a processing activity named "${input.name}" is already recorded`);
    }
    throw error;
  }
}

export async function listActivities(ctx: StoreContext): Promise<ActivityView[]> {
  const activities = await ctx.prisma.processingActivity.findMany({ orderBy: [{ name: 'asc' }] });
  return activities.map(presentActivity);
}

const CSV_COLUMNS = [
  'name',
  'controller',
  'purposes',
  'lawfulBasis',
  'dataCategories',
  'subjectCategories',
  'recipients',
  'transfers',
  'retention',
  'updatedAt',
] as const;

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function activitiesCsv(activities: readonly ActivityView[]): string {
  const cell = (activity: ActivityView, column: (typeof CSV_COLUMNS)[number]): string => {
    if (column === 'transfers') return activity.transfers.map((t) => `${t.country} (${t.safeguard})`).join('; ');
    const value = activity[column];
    return Array.isArray(value) ? value.join('; ') : String(value);
  };
  const lines = [
    CSV_COLUMNS.join(','),
    ...activities.map((a) => CSV_COLUMNS.map((c) => csvField(cell(a, c))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
