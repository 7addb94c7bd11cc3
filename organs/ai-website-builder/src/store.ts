/**
 * The builder's collections. Natural keys live in `_id` as deterministic ObjectIds
 * (`naturalId`), so uniqueness needs no unique index and no transaction:
 * - templates: `template:<id>`, upserted on start (idempotent);
 * - versions: `version:<site>:<n>`, insert-only and immutable — the insert of version n+1
 *   is the commit point of an edit, then the site's `version` moves by compare-and-set;
 * - deployments: `subdomain:<label>` — whoever inserts it first holds the subdomain;
 * - audits: `audit:<site>:<n>`, the latest audit of a version (replaced by a new one).
 * Sites get a random ObjectId (two equal briefs are two sites with equal content).
 */
import { mongoose } from '@azora/mongo';
import type { Connection, Model, Types } from 'mongoose';
import type { AuditViolation } from './browser.ts';
import type { Brief, Content } from './model.ts';
import type { TemplateKind } from './templates.ts';

export type ObjectId = Types.ObjectId;

export interface TemplateDoc {
  _id: ObjectId;
  key: string;
  name: string;
  kind: TemplateKind;
  description: string;
  sections: string[];
  theme: Content['theme'];
  updatedAt: Date;
}

export interface SiteDoc {
  _id: ObjectId;
  owner: string;
  name: string;
  template: string;
  brief: Brief;
  /** The latest version number: moved from n to n+1 only after version n+1 is stored. */
  version: number;
  subdomain: string | null;
  published: { subdomain: string; version: number; publishedAt: Date } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionDoc {
  _id: ObjectId;
  key: string;
  site: ObjectId;
  version: number;
  content: Content;
  author: string;
  summary: string;
  createdAt: Date;
}

export interface DeploymentDoc {
  _id: ObjectId;
  key: string;
  subdomain: string;
  site: ObjectId;
  owner: string;
  version: number;
  publishedAt: Date;
}

export interface AuditDoc {
  _id: ObjectId;
  key: string;
  site: ObjectId;
  version: number;
  violations: AuditViolation[];
  counts: Record<AuditViolation['impact'], number>;
  createdAt: Date;
}

export interface MessageDoc {
  _id: ObjectId;
  subdomain: string;
  site: ObjectId;
  fields: Record<string, string>;
  createdAt: Date;
}

export interface Store {
  templates: Model<TemplateDoc>;
  sites: Model<SiteDoc>;
  versions: Model<VersionDoc>;
  deployments: Model<DeploymentDoc>;
  audits: Model<AuditDoc>;
  messages: Model<MessageDoc>;
}

const { Schema } = mongoose;
const options = { versionKey: false, strict: 'throw', _id: false, minimize: false } as const;
const Mixed = Schema.Types.Mixed;
const id = { type: Schema.Types.ObjectId, required: true };

export function createStore(connection: Connection): Store {
  const templates = new Schema<TemplateDoc>(
    {
      _id: id,
      key: { type: String, required: true },
      name: { type: String, required: true },
      kind: { type: String, required: true },
      description: { type: String, required: true },
      sections: { type: [String], required: true },
      theme: { type: Mixed, required: true },
      updatedAt: { type: Date, required: true },
    },
    { ...options, collection: 'templates' },
  );
  const sites = new Schema<SiteDoc>(
    {
      _id: id,
      owner: { type: String, required: true },
      name: { type: String, required: true },
      template: { type: String, required: true },
      brief: { type: Mixed, required: true },
      version: { type: Number, required: true },
      subdomain: { type: String, default: null },
      published: { type: Mixed, default: null },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { ...options, collection: 'sites' },
  );
  sites.index({ owner: 1, createdAt: -1 });
  const versions = new Schema<VersionDoc>(
    {
      _id: id,
      key: { type: String, required: true },
      site: id,
      version: { type: Number, required: true },
      content: { type: Mixed, required: true },
      author: { type: String, required: true },
      summary: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { ...options, collection: 'versions' },
  );
  versions.index({ site: 1, version: -1 });
  const deployments = new Schema<DeploymentDoc>(
    {
      _id: id,
      key: { type: String, required: true },
      subdomain: { type: String, required: true },
      site: id,
      owner: { type: String, required: true },
      version: { type: Number, required: true },
      publishedAt: { type: Date, required: true },
    },
    { ...options, collection: 'deployments' },
  );
  deployments.index({ site: 1 });
  const audits = new Schema<AuditDoc>(
    {
      _id: id,
      key: { type: String, required: true },
      site: id,
      version: { type: Number, required: true },
      violations: { type: Mixed, required: true },
      counts: { type: Mixed, required: true },
      createdAt: { type: Date, required: true },
    },
    { ...options, collection: 'audits' },
  );
  const messages = new Schema<MessageDoc>(
    {
      _id: id,
      subdomain: { type: String, required: true },
      site: id,
      fields: { type: Mixed, required: true },
      createdAt: { type: Date, required: true },
    },
    { ...options, collection: 'messages' },
  );
  messages.index({ site: 1, createdAt: -1 });
  return {
    templates: connection.model('Template', templates),
    sites: connection.model('Site', sites),
    versions: connection.model('Version', versions),
    deployments: connection.model('Deployment', deployments),
    audits: connection.model('Audit', audits),
    messages: connection.model('Message', messages),
  };
}

export async function ensureIndexes(store: Store): Promise<void> {
  for (const model of Object.values(store)) await model.createIndexes();
}
