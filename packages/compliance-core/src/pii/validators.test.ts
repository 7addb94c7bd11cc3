import { describe, expect, it } from 'vitest';
import {
  cardIssuer,
  isBrCnpj,
  isBrCpf,
  isCaSin,
  isCreditCard,
  isDateOfBirth,
  isE164,
  isEmail,
  isIban,
  isIpAddress,
  isIpv4,
  isIpv6,
  isNationalPhone,
  isUkNino,
  isUsSsn,
  isZaId,
  luhn,
  parseDate,
} from './index.ts';

describe('luhn and cards', () => {
  it('accepts published test numbers of every issuer, with separators', () => {
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('79927398710')).toBe(false);
    const cases: Array<[string, string]> = [
      ['4111 1111 1111 1111', 'visa'],
      ['5555-5555-5555-4444', 'mastercard'],
      ['2223003122003222', 'mastercard'],
      ['378282246310005', 'amex'],
      ['6011111111111117', 'discover'],
      ['3530111333300000', 'jcb'],
      ['30569309025904', 'diners'],
      ['6200000000000005', 'unionpay'],
    ];
    for (const [n, issuer] of cases) {
      expect(isCreditCard(n), n).toBe(true);
      expect(cardIssuer(n.replace(/\D/g, ''))).toBe(issuer);
    }
  });
  it('rejects bad Luhn, unknown ranges and wrong lengths', () => {
    expect(isCreditCard('4111 1111 1111 1112')).toBe(false);
    expect(cardIssuer('2220990000000000')).toBeUndefined(); // just below the 2221 Mastercard range
    expect(cardIssuer('2721000000000000')).toBeUndefined(); // just above 2720
    expect(isCreditCard('1234567812345670')).toBe(false); // Luhn-valid, no issuer
    expect(isCreditCard('37828224631000')).toBe(false); // Amex is 15 digits
    expect(isCreditCard('4111-1111 1111--1111')).toBe(true); // separators are not normalised away by shape…
    expect(isCreditCard('4111111111111111x')).toBe(false);
  });
});

describe('isIban', () => {
  it('accepts published examples, compact or grouped, any case', () => {
    for (const v of [
      'GB82 WEST 1234 5698 7654 32',
      'DE89370400440532013000',
      'FR1420041010050500013M02606',
      'nl91abna0417164300',
    ])
      expect(isIban(v), v).toBe(true);
  });
  it('rejects a wrong check, a wrong length for the country and unknown countries', () => {
    expect(isIban('GB83 WEST 1234 5698 7654 32')).toBe(false);
    expect(isIban('GB82 WEST 1234 5698 7654 3')).toBe(false);
    expect(isIban('DE893704004405320130001')).toBe(false);
    expect(isIban('XX82WEST12345698765432')).toBe(false);
  });
});

describe('national identifiers', () => {
  it('US SSN area, group and serial rules', () => {
    expect(isUsSsn('123-45-6789')).toBe(true);
    expect(isUsSsn('123 45 6789')).toBe(true);
    expect(isUsSsn('123-45 6789')).toBe(false); // mixed separators
    for (const bad of ['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '123-00-4567', '123-45-0000'])
      expect(isUsSsn(bad), bad).toBe(false);
  });
  it('South African ID: date, citizenship, race digit, Luhn', () => {
    expect(isZaId('8001015009087')).toBe(true);
    expect(isZaId('8001015009088')).toBe(false); // Luhn
    expect(isZaId('8013015009084')).toBe(false); // month 13
    expect(isZaId('8002305009087')).toBe(false); // 30 Feb
    expect(isZaId('8001015009281')).toBe(false); // citizenship 2
    expect(isZaId('0002295009084')).toBe(true); // 29 Feb 2000
  });
  it('CPF and CNPJ check digits, repeated digits rejected', () => {
    expect(isBrCpf('529.982.247-25')).toBe(true);
    expect(isBrCpf('52998224725')).toBe(true);
    expect(isBrCpf('529.982.247-26')).toBe(false);
    expect(isBrCpf('111.111.111-11')).toBe(false);
    expect(isBrCpf('529982247-25')).toBe(false); // half formatted
    expect(isBrCnpj('11.222.333/0001-81')).toBe(true);
    expect(isBrCnpj('11222333000181')).toBe(true);
    expect(isBrCnpj('11.222.333/0001-82')).toBe(false);
    expect(isBrCnpj('00000000000000')).toBe(false);
  });
  it('Canadian SIN: Luhn, first digit not 0 or 8', () => {
    expect(isCaSin('046 454 286')).toBe(false); // CRA's published specimen: Luhn-valid, but 0 is never issued
    expect(luhn('046454286')).toBe(true);
    expect(isCaSin('130-692-544')).toBe(true);
    expect(isCaSin('046 454 287')).toBe(false);
    expect(isCaSin('000 000 000')).toBe(false);
    expect(isCaSin('800 000 002')).toBe(false); // Luhn-valid, first digit 8
  });
  it('UK NINO prefix and suffix rules', () => {
    expect(isUkNino('AB123456C')).toBe(true);
    expect(isUkNino('AB 12 34 56 C')).toBe(true);
    for (const bad of [
      'QQ123456C',
      'DA123456A',
      'AO123456A',
      'BG123456A',
      'GB123456A',
      'NK123456A',
      'TN123456A',
      'ZZ123456A',
      'AB123456E',
    ])
      expect(isUkNino(bad), bad).toBe(false);
  });
});

describe('network, contact, dates', () => {
  it('IPv4 octets and leading zeros; IPv6 via node', () => {
    expect(isIpv4('192.168.0.1')).toBe(true);
    expect(isIpv4('256.1.1.1')).toBe(false);
    expect(isIpv4('192.168.01.1')).toBe(false);
    expect(isIpv4('1.2.3')).toBe(false);
    expect(isIpv6('2001:db8::1')).toBe(true);
    expect(isIpv6('12:30:45')).toBe(false);
    expect(isIpAddress('fe80::1:2')).toBe(true);
  });
  it('phones: E.164 with a real country code, national formats', () => {
    expect(isE164('+27 82 555 1234')).toBe(true);
    expect(isE164('+14155550134')).toBe(true);
    expect(isE164('+999 1234 5678')).toBe(false); // no such country code
    expect(isE164('+44 123')).toBe(false); // too short
    expect(isE164('+4412345678901234')).toBe(false); // 16 digits
    for (const n of [
      '(415) 555-0134',
      '415-555-0134',
      '020 7946 0958',
      '07700 900123',
      '082 555 1234',
      '(11) 98765-4321',
      '030 1234567',
      '01 23 45 67 89',
    ])
      expect(isNationalPhone(n), n).toBe(true);
    for (const n of ['(115) 055-0134', '4155550134', '01 23 45.67 89', '(10) 98765-4321'])
      expect(isNationalPhone(n), n).toBe(false);
  });
  it('email', () => {
    expect(isEmail('ana.silva+tag@empresa.com.br')).toBe(true);
    for (const bad of ['ana@localhost', 'ana@mail.c0m', 'ana..silva@x.com', '@x.com', 'ana@-x.com'])
      expect(isEmail(bad), bad).toBe(false);
  });
  it('dates of birth: formats, real dates, 1900..today', () => {
    const today = new Date(Date.UTC(2026, 0, 1));
    expect(parseDate('12 March 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('March 12, 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('12 de março de 1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('12.03.1985')).toEqual({ year: 1985, month: 3, day: 12 });
    expect(parseDate('03/25/1985')).toEqual({ year: 1985, month: 3, day: 25 }); // day-first impossible, m/d/y
    expect(isDateOfBirth('1985-03-12', today)).toBe(true);
    expect(isDateOfBirth('1985-02-30', today)).toBe(false);
    expect(isDateOfBirth('1899-12-31', today)).toBe(false);
    expect(isDateOfBirth('2026-01-02', today)).toBe(false);
    expect(isDateOfBirth('12 Smarch 1985', today)).toBe(false);
  });
});
