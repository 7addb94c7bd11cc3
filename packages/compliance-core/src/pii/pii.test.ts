import { describe, expect, it } from 'vitest';
import {
  CORPUS_TODAY,
  evaluate,
  type Finding,
  generateCorpus,
  MAX_INPUT_BYTES,
  PII_TYPES,
  PiiInputTooLargeError,
  redact,
  resolveOverlaps,
  scanPii,
} from './index.ts';

const today = CORPUS_TODAY;
const found = (text: string) =>
  scanPii(text, { today }).map((f) => ({ type: f.type, value: text.slice(f.start, f.end) }));

describe('scanPii on running text', () => {
  it('finds one value of every type with exact spans', () => {
    const text = [
      'Mail ana.silva@empresa.com.br or call +27 82 555 1234.',
      'Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32.',
      'SSN 123-45-6789, ID number 8001015009087, CPF 529.982.247-25, CNPJ 11.222.333/0001-81.',
      'SIN 130 692 544, NINO AB 12 34 56 C, from 192.168.10.4 and 2001:db8::7.',
      'Patient born on 12 March 1985 in Durban.',
    ].join(' ');
    expect(found(text)).toEqual([
      { type: 'email', value: 'ana.silva@empresa.com.br' },
      { type: 'phone', value: '+27 82 555 1234' },
      { type: 'credit_card', value: '4111 1111 1111 1111' },
      { type: 'iban', value: 'GB82 WEST 1234 5698 7654 32' },
      { type: 'us_ssn', value: '123-45-6789' },
      { type: 'za_id', value: '8001015009087' },
      { type: 'br_cpf', value: '529.982.247-25' },
      { type: 'br_cnpj', value: '11.222.333/0001-81' },
      { type: 'ca_sin', value: '130 692 544' },
      { type: 'uk_nino', value: 'AB 12 34 56 C' },
      { type: 'ip_address', value: '192.168.10.4' },
      { type: 'ip_address', value: '2001:db8::7' },
      { type: 'date_of_birth', value: '12 March 1985' },
    ]);
  });

  it('ignores look-alikes and distractors', () => {
    const text =
      'Card 4111 1111 1111 1112, IBAN GB83 WEST 1234 5698 7654 32, SSN 666-45-6789, CPF 111.111.111-11, ' +
      'NINO QQ 12 34 56 C, host 256.1.1.1, build 1.2.3.4.5, v10.0.0.1, order 20240501123456, ' +
      'shipped 2024-05-01T10:22:33Z at 10:22:33, born 1985-02-30, DOB 2030-01-01, mail ana@localhost.';
    expect(found(text)).toEqual([]);
  });

  it('reports a date only near a birth keyword, in the same sentence', () => {
    expect(found('The invoice was paid on 12/03/1985.')).toEqual([]);
    expect(found('Closed on 12/03/2001. Born in Recife.')).toEqual([]);
    expect(found('Data de nascimento: 5 de maio de 1979.')).toEqual([
      { type: 'date_of_birth', value: '5 de maio de 1979' },
    ]);
    expect(found('1979-05-05 is her birthday')).toEqual([{ type: 'date_of_birth', value: '1979-05-05' }]);
  });

  it('needs a keyword for a bare 9-digit SSN or SIN', () => {
    expect(found('Reference 123456789 attached.')).toEqual([]);
    expect(found('SSN: 123456789')).toEqual([{ type: 'us_ssn', value: '123456789' }]);
  });

  it('gives UTF-16 offsets, also after emoji and accents', () => {
    const text = '👩🏽‍💻 Olá! São Paulo 🇧🇷 — CPF 529.982.247-25';
    const [f] = scanPii(text, { today });
    expect(f?.type).toBe('br_cpf');
    expect(f?.start).toBe(text.indexOf('529'));
    expect(text.slice(f?.start, f?.end)).toBe('529.982.247-25');
  });

  it('raises confidence with a context keyword and filters by type and confidence', () => {
    const [bare] = scanPii('Reach 192.168.0.9 later', { today });
    const [withKw] = scanPii('Client ip 192.168.0.9', { today });
    expect(bare?.confidence).toBeLessThan(withKw?.confidence ?? 0);
    expect(scanPii('Card 4111 1111 1111 1111 ana@x.io', { types: ['email'] }).map((f) => f.type)).toEqual(['email']);
    expect(scanPii('Reach 192.168.0.9 or ana@x.io', { minConfidence: 0.85 }).map((f) => f.type)).toEqual(['email']);
  });
});

describe('overlaps', () => {
  it('keeps the higher-confidence, then more specific, finding', () => {
    const a: Finding = { type: 'phone', start: 0, end: 10, confidence: 0.65 };
    const b: Finding = { type: 'credit_card', start: 5, end: 20, confidence: 0.95 };
    const c: Finding = { type: 'za_id', start: 20, end: 33, confidence: 0.9 };
    const d: Finding = { type: 'br_cpf', start: 20, end: 31, confidence: 0.9 };
    expect(resolveOverlaps([a, d, b, c])).toEqual([b, c]);
  });
  it('a bare 14-digit CNPJ that is also Luhn-valid is one finding', () => {
    // 11222333000181 passes CNPJ; scanning must return exactly one non-overlapping finding over it.
    const text = 'CNPJ 11222333000181 ok';
    const fs = scanPii(text);
    expect(fs).toHaveLength(1);
    expect(fs[0]?.type).toBe('br_cnpj');
  });
  it('never returns overlapping findings on the corpus', () => {
    for (const doc of generateCorpus({ seed: 3, perType: 30 })) {
      const fs = scanPii(doc.text, { today });
      for (let i = 1; i < fs.length; i++) expect(fs[i]?.start).toBeGreaterThanOrEqual(fs[i - 1]?.end ?? 0);
    }
  });
});

describe('redact', () => {
  const text = '💳 Card 4111-1111-1111-1111 of ana@x.io, IBAN GB82 WEST 1234 5698 7654 32.';
  const fs = scanPii(text);

  it('mask keeps the last 4 of cards and IBANs, one * per code point otherwise', () => {
    expect(redact(text, fs, 'mask')).toBe('💳 Card ****-****-****-1111 of ********, IBAN **** **** **** **** **54 32.');
    const emoji = 'Contact: 😀@x.io';
    expect(redact('é ana@x.io', [{ type: 'email', start: 0, end: 1, confidence: 1 }], 'mask')).toBe('* ana@x.io');
    expect(redact(emoji, [{ type: 'email', start: 9, end: 11, confidence: 1 }], 'mask')).toBe('Contact: *@x.io');
  });

  it('hash is a keyed HMAC token, stable per key', () => {
    const one = redact(text, fs, 'hash', { key: 'k1' });
    expect(one).toMatch(
      /^💳 Card \[credit_card:[0-9a-f]{16}\] of \[email:[0-9a-f]{16}\], IBAN \[iban:[0-9a-f]{16}\]\.$/,
    );
    expect(redact(text, fs, 'hash', { key: 'k1' })).toBe(one);
    expect(redact(text, fs, 'hash', { key: 'k2' })).not.toBe(one);
    expect(() => redact(text, fs, 'hash')).toThrow(/key/);
  });

  it('remove deletes the values', () => {
    expect(redact(text, fs, 'remove')).toBe('💳 Card  of , IBAN .');
  });

  it('refuses overlapping or out-of-range findings', () => {
    const bad: Finding[] = [
      { type: 'email', start: 0, end: 5, confidence: 1 },
      { type: 'phone', start: 3, end: 8, confidence: 1 },
    ];
    expect(() => redact('0123456789', bad, 'mask')).toThrow(RangeError);
    expect(() => redact('0123', [{ type: 'email', start: 2, end: 9, confidence: 1 }], 'remove')).toThrow(RangeError);
  });
});

describe('bounded work', () => {
  it('refuses input over 1 MB (UTF-8 bytes) with a 413-carrying error', () => {
    expect(() => scanPii('a'.repeat(MAX_INPUT_BYTES))).not.toThrow();
    try {
      scanPii(`${'a'.repeat(MAX_INPUT_BYTES - 1)}é`);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PiiInputTooLargeError);
      expect((err as PiiInputTooLargeError).status).toBe(413);
      expect((err as PiiInputTooLargeError).bytes).toBe(MAX_INPUT_BYTES + 1);
    }
  });

  // Catastrophic backtracking on these would take minutes or more; a scan of each takes well
  // under a second here. The generous test timeout catches the first without timing the second.
  it('finishes adversarial 1 MB inputs, with findings inside the text and not overlapping', () => {
    const nearly = MAX_INPUT_BYTES - 16;
    for (const unit of ['1', 'a', '1 ', '1.', 'a.', '1-', 'ab:', 'AB12 ', '+1 ', 'a@', '@a.', '0']) {
      const input = unit.repeat(Math.floor(nearly / unit.length));
      const findings = scanPii(input);
      let end = 0;
      for (const finding of findings) {
        expect(finding.start, JSON.stringify(unit)).toBeGreaterThanOrEqual(end);
        expect(finding.end).toBeLessThanOrEqual(input.length);
        end = finding.end;
      }
    }
  }, 120_000);
});

describe('corpus precision and recall', () => {
  for (const seed of [1, 20261202]) {
    it(`≥ 0.95 precision and recall for every type (seed ${seed}, 200 values per type)`, () => {
      const corpus = generateCorpus({ seed, perType: 200 });
      const labels = corpus.flatMap((d) => d.labels);
      for (const type of PII_TYPES) expect(labels.filter((l) => l.type === type).length).toBe(200);
      const { scores } = evaluate(corpus, { today });
      for (const s of scores) {
        expect(s.precision, `${s.type} precision`).toBeGreaterThanOrEqual(0.95);
        expect(s.recall, `${s.type} recall`).toBeGreaterThanOrEqual(0.95);
      }
    });
  }

  it('is deterministic and contains look-alikes and distractors that are not labelled', () => {
    const a = generateCorpus({ seed: 9, perType: 20 });
    expect(generateCorpus({ seed: 9, perType: 20 })).toEqual(a);
    expect(generateCorpus({ seed: 10, perType: 20 })).not.toEqual(a);
    const text = a.map((d) => d.text).join(' ');
    const ssnShaped = text.match(/\b\d{3}[- ]\d{2}[- ]\d{4}\b/g)?.length ?? 0;
    const ssnLabels = a.flatMap((d) => d.labels).filter((l) => l.type === 'us_ssn').length;
    expect(ssnShaped).toBeGreaterThan(ssnLabels);
    expect(text).toMatch(/Order #\d{8} shipped/);
    for (const d of a) for (const l of d.labels) expect(d.text.slice(l.start, l.end)).toBe(l.value);
  });
});
