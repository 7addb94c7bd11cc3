// POPIA's extension of the shared service: the Information Officer registration with its
// automatic accountability control, and the s.69 direct-marketing register (see routes.ts).
import type { Logger } from '@azora/service-kit';
import type { ComplianceExtension } from '../../service/extension.ts';
import type { StoreContext } from '../../store/context.ts';
import { popiaRoutes } from './routes.ts';
import {
  informationOfficerRegistered,
  putInformationOfficer,
  recordApproach,
  recordDecision,
  securityCompromisesNotified,
} from './store.ts';

const ACTOR = 'demo-seed';
const DAY = 86_400_000;

/**
 * A registered Information Officer with a deputy, and the four states of s.69: a subject
 * approached once (a second approach is refused), one who consented and was then marketed to,
 * one who refused (a later approach refused), one never approached.
 */
async function seed(ctx: StoreContext, logger: Logger) {
  const now = ctx.now().getTime();
  const at = (daysAgo: number) => ({ ...ctx, now: () => new Date(now - daysAgo * DAY) });
  await putInformationOfficer(ctx, ACTOR, {
    officer: {
      name: 'Thandi Nkosi',
      email: 'information.officer@example.co.za',
      phone: '+27 21 555 0100',
      registrationNumber: 'IR-2021-004512',
      registeredAt: new Date(now - 400 * DAY),
    },
    deputies: [{ name: 'Pieter van der Merwe', email: 'deputy.io@example.co.za', phone: '+27 11 555 0199' }],
  });
  const once = { kind: 'email' as const, value: 'sipho.dlamini@example.co.za' };
  await recordApproach(at(6), ACTOR, once, { channel: 'email', purpose: 'demo: invitation to the loyalty programme' });
  await recordApproach(at(2), ACTOR, once, { channel: 'sms', purpose: 'demo: reminder (refused: no consent)' });
  const consented = { kind: 'sa_id' as const, value: '8001015009087' };
  await recordApproach(at(20), ACTOR, consented, { channel: 'sms', purpose: 'demo: ask to receive offers' });
  await recordDecision(at(19), ACTOR, consented, 'consented');
  await recordApproach(at(5), ACTOR, consented, { channel: 'email', purpose: 'demo: December specials' });
  const refused = { kind: 'phone' as const, value: '+27825550123' };
  await recordApproach(at(30), ACTOR, refused, { channel: 'phone', purpose: 'demo: insurance offer' });
  await recordDecision(at(30), ACTOR, refused, 'refused');
  await recordApproach(at(1), ACTOR, refused, { channel: 'sms', purpose: 'demo: follow-up (refused: opted out)' });
  logger.info(
    'POPIA demo data seeded: a registered Information Officer and deputy, s.69 subjects approached once, consented, refused',
  );
}

export const POPIA_EXTENSION: ComplianceExtension = {
  roles: { marketing: 'records direct-marketing approaches and subjects’ consent or refusal (POPIA s.69)' },
  routes: popiaRoutes,
  checks: {
    information_officer_registered: informationOfficerRegistered,
    security_compromises_notified: securityCompromisesNotified,
  },
  seed,
};
