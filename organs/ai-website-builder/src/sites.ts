/**
 * Sites and their versions. Every save is a new immutable version document, keyed
 * `version:<site>:<n>`; with no transactions, the insert of version n+1 is the commit
 * point of an edit (a duplicate `_id` means someone else saved n+1 first: 409), then the
 * site's `version` moves from n to n+1 by compare-and-set. A crash between the two leaves
 * the site one behind its newest version; the next reader rolls it forward.
 */
import { isDuplicateKey, mongoose, naturalId, type ObjectId } from '@azora/mongo';
import { HttpProblem } from '@azora/service-kit';
import type { Edit } from './edits.ts';
import { type Copy, generateSite } from './generator.ts';
import type { Brief, Content } from './model.ts';
import type { SiteDoc, Store, VersionDoc } from './store.ts';
import { TEMPLATES } from './templates.ts';

export const versionId = (site: ObjectId, version: number) => naturalId(`version:${site.toHexString()}:${version}`);

export interface Caller {
  subject: string;
  isAdmin: boolean;
}

export class Sites {
  readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Upserts the seeded templates (the same `_id` every start: idempotent). */
  async seedTemplates(): Promise<void> {
    for (const template of TEMPLATES) {
      const key = `template:${template.id}`;
      await this.store.templates.updateOne(
        { _id: naturalId(key) },
        {
          $set: {
            key,
            name: template.name,
            kind: template.kind,
            description: template.description,
            sections: template.sections,
            theme: template.theme,
            updatedAt: new Date(),
          },
        },
        { upsert: true },
      );
    }
  }

  listTemplates() {
    return this.store.templates.find().sort({ key: 1 }).lean();
  }

  async create(brief: Brief, owner: string, copy?: Copy): Promise<{ site: SiteDoc; version: VersionDoc }> {
    const generated = generateSite(brief, copy);
    const now = new Date();
    const _id = new mongoose.Types.ObjectId();
    // The version first: a site document never points at a version that is not there.
    const version = await this.#insertVersion(
      _id,
      1,
      generated.content,
      owner,
      `generated from the brief with template ${generated.template.id}`,
      now,
    );
    const site: SiteDoc = {
      _id,
      owner,
      name: brief.name.trim(),
      template: generated.template.id,
      brief,
      version: 1,
      subdomain: null,
      published: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.sites.collection.insertOne(site as never);
    return { site, version };
  }

  async #insertVersion(site: ObjectId, n: number, content: Content, author: string, summary: string, now = new Date()) {
    const doc: VersionDoc = {
      _id: versionId(site, n),
      key: `version:${site.toHexString()}:${n}`,
      site,
      version: n,
      content,
      author,
      summary,
      createdAt: now,
    };
    await this.store.versions.collection.insertOne(doc as never);
    return doc;
  }

  /** The site, with `version` rolled forward if a crash left it behind its newest version. */
  async get(id: ObjectId): Promise<SiteDoc | undefined> {
    const site = await this.store.sites.findById(id).lean<SiteDoc>();
    if (!site) return undefined;
    for (;;) {
      const ahead = await this.store.versions.exists({ _id: versionId(site._id, site.version + 1) });
      if (!ahead) return site;
      await this.store.sites.updateOne({ _id: site._id, version: site.version }, { $inc: { version: 1 } });
      site.version += 1;
    }
  }

  /** The site for a reader or editor: 404 when absent, 403 when it is another's (admins see all). */
  async readable(id: ObjectId, caller: Caller): Promise<SiteDoc> {
    const site = await this.get(id);
    if (!site) throw new HttpProblem(404, `no site with id "${id.toHexString()}"`);
    if (site.owner !== caller.subject && !caller.isAdmin) {
      throw new HttpProblem(403, 'this site is not yours; only its owner and admins can read or edit it');
    }
    return site;
  }

  list(caller: Caller): Promise<SiteDoc[]> {
    const filter = caller.isAdmin ? {} : { owner: caller.subject };
    return this.store.sites.find(filter).sort({ createdAt: -1 }).limit(500).lean<SiteDoc[]>();
  }

  async version(site: SiteDoc, n?: number): Promise<VersionDoc> {
    const wanted = n ?? site.version;
    const doc = await this.store.versions.findById(versionId(site._id, wanted)).lean<VersionDoc>();
    if (!doc)
      throw new HttpProblem(404, `site ${site._id.toHexString()} has no version ${wanted} (latest is ${site.version})`);
    return doc;
  }

  versions(site: SiteDoc) {
    return this.store.versions
      .find({ site: site._id }, { content: 0 })
      .sort({ version: -1 })
      .lean<Omit<VersionDoc, 'content'>[]>();
  }

  /**
   * Saves an edit of the latest version as version n+1. `baseVersion` must be the latest
   * (409 otherwise); of two concurrent saves on the same base exactly one wins.
   */
  async save(site: SiteDoc, baseVersion: number, author: string, edit: (content: Content) => Edit): Promise<SiteDoc> {
    if (baseVersion !== site.version) {
      throw new HttpProblem(409, `version ${baseVersion} is not the latest (${site.version}); reload and edit that`, {
        extensions: { latest: site.version },
      });
    }
    const base = await this.version(site, baseVersion);
    const { content, summary } = edit(base.content);
    const next = baseVersion + 1;
    const now = new Date();
    try {
      await this.#insertVersion(site._id, next, content, author, summary, now);
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new HttpProblem(409, `version ${baseVersion} is not the latest any more; reload and edit again`, {
          extensions: { latest: next },
        });
      }
      throw error;
    }
    await this.store.sites.updateOne(
      { _id: site._id, version: baseVersion },
      { $set: { version: next, updatedAt: now } },
    );
    return { ...site, version: next, updatedAt: now };
  }
}
