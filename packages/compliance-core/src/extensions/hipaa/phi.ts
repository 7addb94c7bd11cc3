// PHI records: each field sealed at rest with the core's keyring, read only through the
// minimum necessary table (policy.ts), every read — allowed or refused — and every
// disclosure recorded in the access accounting in the same transaction as its audit entry.
import { randomUUID } from 'node:crypto';
import type { HipaaPhiAccess, HipaaPhiRecord } from '../../generated/prisma/client.ts';
import { accountingLookBackFrom } from '../../regimes/hipaa.ts';
import { type StoreContext, StoreError, type Tx, write } from '../../store/context.ts';
import { findIdentifier, findOrCreateIdentifier, type SubjectRef } from '../../store/subjects.ts';
import { applyView, PHI_FIELDS, type PhiField, type Purpose, purposesOf, READER_ROLES, ruleFor } from './policy.ts';

export type PhiValues = Partial<Record<PhiField, unknown>>;
/** Who is asking: the principal's subject and roles. */
export interface Caller {
  subject: string;
  roles: readonly string[];
}

type Sealed = Partial<Record<PhiField, string>>;
const sealContext = (recordId: string, field: PhiField) => `${recordId}:${field}`;

function sealFields(ctx: StoreContext, recordId: string, values: PhiValues, into: Sealed = {}): Sealed {
  const sealed: Sealed = { ...into };
  for (const field of PHI_FIELDS) {
    const value = values[field];
    if (value === undefined) continue;
    if (value === null) delete sealed[field];
    else sealed[field] = ctx.identity.keyring.seal(JSON.stringify(value), sealContext(recordId, field));
  }
  return sealed;
}

const storedFields = (record: HipaaPhiRecord) =>
  PHI_FIELDS.filter((field) => (record.sealedFields as Sealed)[field] !== undefined);

function presentRecord(record: HipaaPhiRecord) {
  return {
    id: record.id,
    patient: { subjectId: record.subjectId },
    fields: storedFields(record),
    version: record.version,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedBy: record.updatedBy,
    updatedAt: record.updatedAt.toISOString(),
  };
}

async function recordOf(tx: Tx, id: string) {
  const record = await tx.hipaaPhiRecord.findUnique({ where: { id } });
  if (!record) throw new StoreError(404, `no PHI record with id "${id}"`);
  return record;
}

/** A patient's PHI record; one per patient (a second one is a 409: update the first). */
export async function createPhiRecord(ctx: StoreContext, actor: string, patient: SubjectRef, values: PhiValues) {
  return write(ctx, actor, async (tx, audit) => {
    const { identifier } = await findOrCreateIdentifier(ctx, tx, patient);
    const existing = await tx.hipaaPhiRecord.findUnique({ where: { subjectId: identifier.subjectId } });
    if (existing) {
      throw new StoreError(409, `this patient already has a PHI record (${existing.id}); update it instead`);
    }
    const id = randomUUID();
    const record = await tx.hipaaPhiRecord.create({
      data: {
        id,
        subjectId: identifier.subjectId,
        identifierId: identifier.id,
        sealedFields: sealFields(ctx, id, values),
        createdBy: actor,
        updatedBy: actor,
      },
    });
    await audit({
      action: 'hipaa.phi_created',
      entityType: 'phi_record',
      entityId: id,
      data: { subjectId: identifier.subjectId, fields: storedFields(record) },
    });
    return presentRecord(record);
  });
}

/** Replaces the fields given (null removes one); refused with 409 when the record changed meanwhile. */
export async function updatePhiRecord(ctx: StoreContext, actor: string, id: string, values: PhiValues) {
  return write(ctx, actor, async (tx, audit) => {
    const record = await recordOf(tx, id);
    const sealedFields = sealFields(ctx, id, values, record.sealedFields as Sealed);
    const { count } = await tx.hipaaPhiRecord.updateMany({
      where: { id, version: record.version },
      data: { sealedFields, version: record.version + 1, updatedBy: actor },
    });
    if (count !== 1) throw new StoreError(409, 'the record changed while this update ran; read it again and retry');
    const changed = PHI_FIELDS.filter((field) => values[field] !== undefined);
    await audit({
      action: 'hipaa.phi_updated',
      entityType: 'phi_record',
      entityId: id,
      data: {
        changed: changed.filter((field) => values[field] !== null),
        removed: changed.filter((field) => values[field] === null),
        version: record.version + 1,
      },
    });
    return presentRecord(await tx.hipaaPhiRecord.findUniqueOrThrow({ where: { id } }));
  });
}

/** The record of a patient (its field names, no PHI), to find its id. */
export async function findPhiRecord(ctx: StoreContext, patient: SubjectRef) {
  const identifier = await findIdentifier(ctx, ctx.prisma, patient);
  const record = identifier
    ? await ctx.prisma.hipaaPhiRecord.findUnique({ where: { subjectId: identifier.subjectId } })
    : null;
  if (!record) throw new StoreError(404, 'no PHI record for this patient');
  return presentRecord(record);
}

export type ReadResult =
  | { outcome: 'ok'; role: string; view: ReturnType<typeof readView> }
  | { outcome: 'refused'; role: string; reason: string };

function readView(
  record: HipaaPhiRecord,
  purpose: Purpose,
  role: string,
  fields: Record<string, unknown>,
  withheld: PhiField[],
  reduced: Record<string, string>,
  accessId: string,
) {
  return {
    id: record.id,
    patient: { subjectId: record.subjectId },
    purpose,
    role,
    fields,
    withheld,
    reduced,
    accessId,
  };
}

/**
 * Reads a record for `purpose`: only the fields the caller's role may see for it, the others
 * named as withheld. A purpose none of the caller's roles may use is refused — and recorded.
 */
export async function readPhiRecord(ctx: StoreContext, caller: Caller, id: string, purpose: Purpose) {
  const result: ReadResult = await write(ctx, caller.subject, async (tx, audit) => {
    const record = await recordOf(tx, id);
    const at = ctx.now();
    const match = ruleFor(caller.roles, purpose);
    const stored = storedFields(record);
    if (!match) {
      const allowed = purposesOf(caller.roles);
      const roles = caller.roles.filter((role) => READER_ROLES.includes(role));
      const role = roles.join(',') || caller.roles.join(',');
      const reason =
        `the minimum necessary rule (45 CFR §164.502(b), §164.514(d)) does not let role ${role} read PHI for ` +
        `"${purpose}"; it may read for: ${allowed.join(', ') || 'no purpose'}`;
      const access = await tx.hipaaPhiAccess.create({
        data: {
          recordId: id,
          subjectId: record.subjectId,
          kind: 'read',
          outcome: 'refused',
          accessor: caller.subject,
          role,
          purpose,
          fields: [],
          withheld: stored,
          reason,
          at,
        },
      });
      await audit({
        action: 'hipaa.phi_read_refused',
        entityType: 'phi_record',
        entityId: id,
        data: { accessId: access.id, role, purpose, reason },
      });
      return { outcome: 'refused', role, reason };
    }
    const sealed = record.sealedFields as Sealed;
    const fields: Record<string, unknown> = {};
    const reduced: Record<string, string> = {};
    const withheld: PhiField[] = [];
    for (const field of stored) {
      const view = match.rule.fields[field];
      if (!view) {
        withheld.push(field);
        continue;
      }
      const value = JSON.parse(ctx.identity.keyring.open(sealed[field] as string, sealContext(id, field)));
      fields[field] = applyView(field, view, value);
      if (view !== 'full') reduced[field] = view === 'codes' ? 'diagnosis codes only' : 'city, state and ZIP only';
    }
    const access = await tx.hipaaPhiAccess.create({
      data: {
        recordId: id,
        subjectId: record.subjectId,
        kind: 'read',
        outcome: 'ok',
        accessor: caller.subject,
        role: match.role,
        purpose,
        fields: Object.keys(fields),
        withheld,
        at,
      },
    });
    await audit({
      action: 'hipaa.phi_read',
      entityType: 'phi_record',
      entityId: id,
      data: { accessId: access.id, role: match.role, purpose, fields: Object.keys(fields), withheld },
    });
    return {
      outcome: 'ok',
      role: match.role,
      view: readView(record, purpose, match.role, fields, withheld, reduced, access.id),
    };
  });
  return result;
}

/** A disclosure of the record's PHI outside the organisation (what §164.528 accounts for). */
export async function recordDisclosure(
  ctx: StoreContext,
  caller: Caller,
  role: string,
  id: string,
  input: { recipient: string; purpose: string; description: string; at?: Date; fields?: PhiField[] },
) {
  const at = input.at ?? ctx.now();
  return write(ctx, caller.subject, async (tx, audit) => {
    const record = await recordOf(tx, id);
    const stored = storedFields(record);
    const fields = input.fields ?? stored;
    const missing = fields.filter((field) => !stored.includes(field));
    if (missing.length > 0) {
      throw new StoreError(422, `the record holds no ${missing.join(', ')}: only what it holds can be disclosed`);
    }
    const access = await tx.hipaaPhiAccess.create({
      data: {
        recordId: id,
        subjectId: record.subjectId,
        kind: 'disclosure',
        outcome: 'ok',
        accessor: caller.subject,
        role,
        purpose: input.purpose,
        fields: [...new Set(fields)],
        withheld: [],
        recipient: input.recipient,
        description: input.description,
        at,
      },
    });
    await audit({
      action: 'hipaa.phi_disclosed',
      entityType: 'phi_record',
      entityId: id,
      data: { accessId: access.id, role, purpose: input.purpose, fields: access.fields, at },
    });
    return presentAccess(access);
  });
}

function presentAccess(access: HipaaPhiAccess) {
  return {
    id: access.id,
    at: access.at.toISOString(),
    kind: access.kind,
    outcome: access.outcome,
    recordId: access.recordId,
    patient: { subjectId: access.subjectId },
    accessor: access.accessor,
    role: access.role,
    purpose: access.purpose,
    fields: access.fields,
    withheld: access.withheld,
    recipient: access.recipient,
    description: access.description,
    reason: access.reason,
  };
}

/**
 * The accounting of a patient's PHI (every read and disclosure, refused reads included), or of
 * one accessor's reads: six years back from now by default (§164.528(a)(1)), `from`/`to` narrow it.
 */
export async function accounting(
  ctx: StoreContext,
  query: { patient?: SubjectRef; accessor?: string; from?: Date; to?: Date; limit: number },
) {
  const now = ctx.now();
  const lookBack = accountingLookBackFrom(now);
  const from = query.from ?? lookBack;
  const to = query.to ?? now;
  if (from < lookBack) {
    throw new StoreError(
      422,
      `an accounting covers the six years before now at most: from must not be before ${lookBack.toISOString()}`,
    );
  }
  if (to < from) throw new StoreError(422, 'to must not be before from');
  let who: { patient: { subjectId: string } } | { accessor: string };
  let where: { subjectId: string } | { accessor: string };
  if (query.patient) {
    const identifier = await findIdentifier(ctx, ctx.prisma, query.patient);
    if (!identifier) throw new StoreError(404, 'no patient with this identifier is known');
    who = { patient: { subjectId: identifier.subjectId } };
    where = { subjectId: identifier.subjectId };
  } else {
    who = { accessor: query.accessor as string };
    where = { accessor: query.accessor as string };
  }
  const rows = await ctx.prisma.hipaaPhiAccess.findMany({
    where: { ...where, at: { gte: from, lte: to } },
    orderBy: [{ at: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    take: query.limit + 1,
  });
  return {
    ...who,
    from: from.toISOString(),
    to: to.toISOString(),
    truncated: rows.length > query.limit,
    entries: rows.slice(0, query.limit).map(presentAccess),
  };
}
