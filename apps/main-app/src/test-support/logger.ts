import { createLogger, type Logger } from '@azora/service-kit';

/** A logger that keeps test output readable: only errors. */
export function quietLogger(): Logger {
  return createLogger('main-app', process.env.LOG_LEVEL === 'debug' ? 'debug' : 'error');
}
