import { CCPA } from './ccpa.ts';
import { GDPR } from './gdpr.ts';
import { HIPAA } from './hipaa.ts';
import { LGPD } from './lgpd.ts';
import { PIPEDA } from './pipeda.ts';
import { POPIA } from './popia.ts';
import { SOX } from './sox.ts';
import type { Regime, RulePack } from './types.ts';

export { CCPA } from './ccpa.ts';
export { GDPR } from './gdpr.ts';
export { HIPAA } from './hipaa.ts';
export { LGPD } from './lgpd.ts';
export { PIPEDA } from './pipeda.ts';
export { POPIA } from './popia.ts';
export { SOX } from './sox.ts';
export {
  type Breach,
  type BreachObligation,
  type BreachRisk,
  type ControlRule,
  type ExtensionInput,
  ExtensionRefused,
  type InterimDeadline,
  type LawfulBasis,
  REGIMES,
  type Regime,
  type RequestTypeRule,
  type RulePack,
} from './types.ts';

export const RULE_PACKS: Partial<Record<Regime, RulePack>> = {
  gdpr: GDPR,
  ccpa: CCPA,
  lgpd: LGPD,
  hipaa: HIPAA,
  sox: SOX,
  pipeda: PIPEDA,
  popia: POPIA,
};

/** The rule pack of a regime by its id ('gdpr', 'hipaa', …). */
export function rulePack(regime: string): RulePack {
  const pack = Object.hasOwn(RULE_PACKS, regime) ? RULE_PACKS[regime as Regime] : undefined;
  if (!pack) throw new Error(`unknown regime "${regime}" (known: ${Object.keys(RULE_PACKS).join(', ')})`);
  return pack;
}
