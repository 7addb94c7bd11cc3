import { describe, expect, it } from 'vitest';
import { detect, hasAdequacyToEu, redactPayload } from './detectors.ts';

const health = { id: 'hs-1', type: 'health-sensor', jurisdiction: 'DE' };
const thermometer = { id: 't-1', type: 'temperature-sensor', jurisdiction: 'DE' };
const kinds = (device: typeof health, payload: Record<string, string | number>) =>
  detect(device, payload).map((finding) => finding.kind);

describe('detectors', () => {
  it('flags PHI from a health device, and only from one', () => {
    const payload = { heartRateBpm: 71, note: 'Patient: John Smith, MRN: 4481234' };
    const [finding] = detect(health, payload);
    expect(finding).toMatchObject({ kind: 'hipaa_phi', regime: 'hipaa' });
    expect(finding?.summary).toContain('note');
    expect(finding?.summary).not.toContain('John');
    expect(kinds(health, { heartRateBpm: 71, spo2Percent: 97 })).toEqual([]);
    expect(kinds(thermometer, payload)).toEqual([]);
  });

  it('flags a valid South African ID number from any device, never a number that fails its checksum', () => {
    const [finding] = detect(thermometer, { operator: '8001015009087' });
    expect(finding).toMatchObject({ kind: 'popia_sa_id', regime: 'popia' });
    expect(finding?.summary).not.toContain('8001015009087');
    expect(kinds(thermometer, { operator: '8001015009088' })).toEqual([]);
  });

  it('flags a device in a country with no EU adequacy decision', () => {
    expect(kinds({ ...thermometer, jurisdiction: 'ZA' }, { temperatureC: 21 })).toEqual(['transfer_without_adequacy']);
    expect(kinds({ ...thermometer, jurisdiction: 'JP' }, { temperatureC: 21 })).toEqual([]);
    expect(hasAdequacyToEu('NO')).toBe(true);
    expect(hasAdequacyToEu('GB')).toBe(true);
    expect(hasAdequacyToEu('BR')).toBe(false);
    expect(hasAdequacyToEu('IN')).toBe(false);
  });
});

describe('redactPayload (what auditors see)', () => {
  it('masks identifiers and keeps readings and shape', () => {
    const payload = { heartRateBpm: 71, note: 'Patient: Jane Doe, MRN: 7781234', ids: ['8001015009087'], ok: true };
    const shown = redactPayload('health-sensor', payload) as Record<string, unknown>;
    expect(shown.heartRateBpm).toBe(71);
    expect(shown.ok).toBe(true);
    expect(JSON.stringify(shown)).not.toMatch(/Jane|7781234|8001015009087/);
    expect(shown.note).toMatch(/^Patient: \*+, MRN: \*+$/);
    expect(redactPayload('temperature-sensor', { operator: 8001015009087, temperatureC: 21.5 })).toEqual({
      operator: '*************',
      temperatureC: 21.5,
    });
  });
});
