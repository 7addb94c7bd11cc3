// Data subjects are known only by their identifiers' keyed hashes; the raw value is sealed
// with the identifier row's id as context, so it opens for that row only.
import { randomUUID } from 'node:crypto';
import { type IdentifierKind, identifierHash, normalizeIdentifier } from '../identity/keys.ts';
import { isEmail, isPhone, isZaId } from '../pii/validators.ts';
import type { StoreContext, Tx } from './context.ts';

export const IDENTIFIER_KINDS = ['email', 'phone', 'national_id', 'sa_id', 'customer_id', 'other'] as const;

export interface SubjectRef {
  kind: IdentifierKind;
  value: string;
}

/**
 * `kind:value` (`email:ana@example.com`, `phone:+5511987654321`) → the identifier, or a message
 * saying what is wrong with it.
 */
export function parseSubject(text: string): SubjectRef | string {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as IdentifierKind;
  const value = text.slice(colon + 1).trim();
  if (colon <= 0 || !IDENTIFIER_KINDS.includes(kind)) {
    return `must be kind:value with kind one of ${IDENTIFIER_KINDS.join(', ')} (e.g. email:ana@example.com)`;
  }
  if (!value) return 'has no value after the kind';
  if (/\p{Cc}/u.test(value)) return 'must not contain control characters';
  const normalized = normalizeIdentifier(kind, value);
  if (kind === 'email' && !isEmail(normalized)) return `"${value.slice(0, 80)}" is not an email address`;
  if (kind === 'phone' && !(isPhone(value) || /^\+[1-9]\d{6,14}$/.test(normalized))) {
    return `"${value.slice(0, 80)}" is not a phone number (use E.164, e.g. +5511987654321)`;
  }
  // A South African identity number (13 digits: birth date, sequence, citizenship, Luhn check digit).
  if (kind === 'sa_id' && !isZaId(normalized)) {
    const digitWrong =
      /^\d{13}$/.test(normalized) && [...'0123456789'].some((d) => isZaId(normalized.slice(0, 12) + d));
    return digitWrong
      ? 'is not a valid South African ID number: its check digit (the 13th) is wrong'
      : 'is not a valid South African ID number (13 digits: YYMMDD, sequence, citizenship 0 or 1, check digit)';
  }
  if ((kind === 'national_id' || kind === 'customer_id') && !/^[\p{L}\p{N}]{1,64}$/u.test(normalized)) {
    return 'must be 1 to 64 letters and digits (spaces, dots and dashes are ignored)';
  }
  if (normalized.length > 200) return 'must be at most 200 characters';
  return { kind, value };
}

const lookupHash = (ctx: StoreContext, ref: SubjectRef) => identifierHash(ctx.identity.hashKey, ref.kind, ref.value);

/** The subject and identifier for `ref`, or undefined when nobody with it is known. */
export async function findIdentifier(ctx: StoreContext, tx: Tx, ref: SubjectRef) {
  return tx.subjectIdentifier.findUnique({ where: { lookupHash: lookupHash(ctx, ref) } });
}

/** The identifier for `ref`, made (with a new subject) the first time it is seen. */
export async function findOrCreateIdentifier(ctx: StoreContext, tx: Tx, ref: SubjectRef) {
  const found = await findIdentifier(ctx, tx, ref);
  if (found) return { identifier: found, created: false };
  const id = randomUUID();
  const identifier = await tx.subjectIdentifier.create({
    data: {
      id,
      kind: ref.kind,
      lookupHash: lookupHash(ctx, ref),
      sealedValue: ctx.identity.keyring.seal(normalizeIdentifier(ref.kind, ref.value), id),
      subject: { create: {} },
    },
  });
  return { identifier, created: true };
}

/** The raw identifier value, for the DPO answering the request (never logged, never in the audit log). */
export function openIdentifier(ctx: StoreContext, identifier: { id: string; sealedValue: string }): string {
  return ctx.identity.keyring.open(identifier.sealedValue, identifier.id);
}
