// The regimes whose services add routes of their own to the core's (see service/extension.ts).
import type { Regime } from '../regimes/types.ts';
import type { ComplianceExtension } from '../service/extension.ts';
import { HIPAA_EXTENSION } from './hipaa/index.ts';
import { PIPEDA_EXTENSION } from './pipeda/index.ts';
import { POPIA_EXTENSION } from './popia/index.ts';
import { SOX_EXTENSION } from './sox/index.ts';

export const EXTENSIONS: Partial<Record<Regime, ComplianceExtension>> = {
  hipaa: HIPAA_EXTENSION,
  pipeda: PIPEDA_EXTENSION,
  popia: POPIA_EXTENSION,
  sox: SOX_EXTENSION,
};

/** The extension of a regime, or undefined when the core's routes are all it has. */
export function regimeExtension(regime: string): ComplianceExtension | undefined {
  return Object.hasOwn(EXTENSIONS, regime) ? EXTENSIONS[regime as Regime] : undefined;
}
