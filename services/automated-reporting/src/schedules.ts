/** The schedules seeded into an empty database, and their retention. */
export interface ScheduleDefaults {
  id: string;
  name: string;
  cron: string;
  /** A Postgres interval: calendar arithmetic, so '1 year' is a calendar year. */
  retention: string;
}

export const DEFAULT_SCHEDULES: readonly ScheduleDefaults[] = [
  { id: 'daily', name: 'Daily', cron: '0 6 * * *', retention: '90 days' },
  { id: 'weekly', name: 'Weekly', cron: '0 9 * * 1', retention: '1 year' },
  { id: 'monthly', name: 'Monthly', cron: '0 6 1 * *', retention: '1 year' },
  { id: 'quarterly', name: 'Quarterly', cron: '0 6 1 1,4,7,10 *', retention: '7 years' },
  { id: 'annual', name: 'Annual', cron: '0 6 1 1 *', retention: '7 years' },
];

/** On-demand reports without a schedule are kept this long. */
export const ON_DEMAND_RETENTION = '90 days';
