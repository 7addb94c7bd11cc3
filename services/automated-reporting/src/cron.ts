/**
 * Cron expressions (five fields: minute hour day-of-month month day-of-week, with names,
 * ranges, lists and steps) evaluated in an IANA time zone, on cron-parser (pinned). This
 * module adds what the scheduler needs: validation that names the problem, and the latest
 * slot due at an instant (that instant included), which is what a tick or a start-up
 * after downtime runs — once, not once per missed slot.
 */
import { CronExpressionParser } from 'cron-parser';

export class CronError extends Error {
  override name = 'CronError';
}

/** Throws CronError unless `timeZone` is an IANA zone this runtime knows. */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format(0);
  } catch {
    throw new CronError(`unknown time zone "${timeZone}" (use an IANA name such as Europe/London or UTC)`);
  }
}

const FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'];

function parse(cron: string, timeZone: string, currentDate: Date) {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    throw new CronError(
      `a cron expression has 5 fields (${FIELDS.join(', ')}); "${cron}" has ${fields[0] === '' ? 0 : fields.length}`,
    );
  }
  checkTimeZone(timeZone);
  try {
    return CronExpressionParser.parse(fields.join(' '), { currentDate, tz: timeZone, strict: false });
  } catch (error) {
    throw new CronError(`invalid cron expression "${cron}": ${(error as Error).message}`);
  }
}

/** Throws CronError naming the problem; also refuses an expression that never fires. */
export function validateCron(cron: string, timeZone: string): void {
  const expression = parse(cron, timeZone, new Date());
  if (!expression.hasNext()) throw new CronError(`cron expression "${cron}" never fires`);
}

/** The latest slot at or before `at` (undefined when there is none). */
export function latestDue(cron: string, timeZone: string, at: Date): Date | undefined {
  // cron-parser's prev() is strictly before its current date: start 1 ms later so a slot at
  // exactly `at` counts as due.
  const expression = parse(cron, timeZone, new Date(at.getTime() + 1));
  return expression.hasPrev() ? expression.prev().toDate() : undefined;
}

/** The first slot strictly after `after`. */
export function nextRun(cron: string, timeZone: string, after: Date): Date | undefined {
  const expression = parse(cron, timeZone, after);
  return expression.hasNext() ? expression.next().toDate() : undefined;
}

/** The slots in (`after`, `until`], oldest first (for tests and the trend of a schedule). */
export function slotsBetween(cron: string, timeZone: string, after: Date, until: Date, limit = 1000): Date[] {
  const expression = parse(cron, timeZone, after);
  const slots: Date[] = [];
  while (slots.length < limit && expression.hasNext()) {
    const next = expression.next().toDate();
    if (next > until) break;
    slots.push(next);
  }
  return slots;
}
