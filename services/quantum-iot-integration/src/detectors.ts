/**
 * What a verified telemetry message may put the organisation on the hook for, found with the
 * compliance core's detectors. Findings name the field and the identifier types, never the values.
 *
 * - `hipaa_phi` (regime hipaa): a health device's payload holds HIPAA identifiers (scanPhi).
 * - `popia_sa_id` (regime popia): any payload holds a valid South African ID number (scanPii, za_id).
 * - `transfer_without_adequacy` (regime gdpr): the device is in a country that is neither inside
 *   the processing area (PROCESSING_JURISDICTION) nor covered by one of its adequacy decisions,
 *   so its data reaches the processing location with no adequacy basis (GDPR Art. 45); another
 *   basis (Art. 46 safeguards such as standard contractual clauses) has to be documented.
 */
import { type Canonical, type Finding, redact, resolveOverlaps, scanPhi, scanPii } from '@azora/compliance-core';

export const FINDING_KINDS = ['hipaa_phi', 'popia_sa_id', 'transfer_without_adequacy'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const REGIME_OF: Record<FindingKind, string> = {
  hipaa_phi: 'hipaa',
  popia_sa_id: 'popia',
  transfer_without_adequacy: 'gdpr',
};

/** Device types whose readings are health information about a person. */
export const HEALTH_DEVICE_TYPES = ['health-sensor', 'medical-device', 'patient-monitor', 'wearable-health'] as const;

/** The EU and the rest of the EEA (Iceland, Liechtenstein, Norway): personal data moves freely within. */
export const EEA = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
]);

/**
 * Countries with an adequacy decision of the European Commission (GDPR Art. 45), as listed on
 * the Commission's "Adequacy decisions" page: Andorra, Argentina, Canada (commercial
 * organisations under PIPEDA), Faroe Islands, Guernsey, Israel, Isle of Man, Japan, Jersey,
 * New Zealand, Republic of Korea, Switzerland, United Kingdom, United States (only
 * organisations certified under the EU-US Data Privacy Framework), Uruguay. Partial decisions
 * (Canada, the US) count as adequate here; the finding is about countries with none at all.
 * Review this list when the Commission adopts or withdraws a decision.
 */
export const EU_ADEQUACY = new Set([
  'AD',
  'AR',
  'CA',
  'FO',
  'GG',
  'IL',
  'IM',
  'JP',
  'JE',
  'NZ',
  'KR',
  'CH',
  'GB',
  'US',
  'UY',
]);

/** Whether data from `country` reaches a processing location in the EU/EEA with an adequacy basis. */
export function hasAdequacyToEu(country: string): boolean {
  return EEA.has(country) || EU_ADEQUACY.has(country);
}

export interface Detection {
  kind: FindingKind;
  regime: string;
  summary: string;
}

/** Every string and number of the payload as `path: value` lines, so labels ("MRN: …") give context. */
function payloadLines(value: Canonical | undefined, path: string, out: { path: string; text: string }[]): void {
  if (value === null || value === undefined || typeof value === 'boolean' || value instanceof Date) return;
  if (typeof value === 'string' || typeof value === 'number') {
    out.push({ path, text: `${path.split('.').at(-1) ?? path}: ${value}` });
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) payloadLines(item, `${path}[${index}]`, out);
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, Canonical>)) {
    payloadLines(item, path ? `${path}.${key}` : key, out);
  }
}

const isHealthDevice = (type: string) => (HEALTH_DEVICE_TYPES as readonly string[]).includes(type);

/**
 * The payload with every identifier the detectors know masked (`*` per character): what an
 * auditor sees. Each value is scanned as `key: value`, as detect() does, so labels give context.
 */
export function redactPayload(deviceType: string, value: Canonical, key = ''): Canonical {
  if (typeof value === 'string' || typeof value === 'number') {
    const prefix = `${key}: `;
    const text = `${prefix}${value}`;
    const found = (isHealthDevice(deviceType) ? scanPhi(text) : scanPii(text)) as Finding[];
    const inValue = resolveOverlaps(
      found
        .filter((finding) => finding.end > prefix.length)
        .map((finding) => ({
          ...finding,
          start: Math.max(finding.start, prefix.length) - prefix.length,
          end: finding.end - prefix.length,
        })),
    );
    return inValue.length === 0 ? value : redact(String(value), inValue, 'mask');
  }
  if (Array.isArray(value)) return value.map((item) => redactPayload(deviceType, item, key));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, Canonical>).map(([name, item]) => [
      name,
      redactPayload(deviceType, item, name),
    ]),
  );
}

export function detect(
  device: { id: string; type: string; jurisdiction: string },
  payload: { [key: string]: Canonical },
): Detection[] {
  const lines: { path: string; text: string }[] = [];
  payloadLines(payload, '', lines);
  const found: Detection[] = [];

  if (isHealthDevice(device.type)) {
    const phi = lines.flatMap(({ path, text }) => scanPhi(text).map((finding) => ({ path, type: finding.type })));
    if (phi.length > 0) {
      const fields = [...new Set(phi.map((item) => item.path))].join(', ');
      const types = [...new Set(phi.map((item) => item.type))].join(', ');
      found.push({
        kind: 'hipaa_phi',
        regime: REGIME_OF.hipaa_phi,
        summary: `PHI (${types}) in ${fields} from ${device.type} ${device.id}`,
      });
    }
  }

  const ids = lines.filter(({ text }) => scanPii(text, { types: ['za_id'] }).length > 0).map(({ path }) => path);
  if (ids.length > 0) {
    found.push({
      kind: 'popia_sa_id',
      regime: REGIME_OF.popia_sa_id,
      summary: `South African ID number in ${ids.join(', ')} from ${device.type} ${device.id}`,
    });
  }

  if (!hasAdequacyToEu(device.jurisdiction)) {
    found.push({
      kind: 'transfer_without_adequacy',
      regime: REGIME_OF.transfer_without_adequacy,
      summary: `${device.type} ${device.id} in ${device.jurisdiction} sends data for processing in the EU; ${device.jurisdiction} has no EU adequacy decision`,
    });
  }
  return found;
}
