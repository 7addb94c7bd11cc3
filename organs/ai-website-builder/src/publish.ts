/**
 * Publishing: a version's static files are written to `<deployments>/<subdomain>/`
 * atomically (written to a temporary folder beside it, then renamed into place) and the
 * subdomain is held by a deployment document keyed `subdomain:<label>` — the first insert
 * wins, so two sites can never hold one subdomain, with no unique index.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDuplicateKey, naturalId } from '@azora/mongo';
import { HttpProblem } from '@azora/service-kit';
import { zipSync } from 'fflate';
import type { RenderedFile } from './render.ts';
import type { DeploymentDoc, SiteDoc, Store } from './store.ts';

/** Names that belong to the platform, not to a site. */
export const RESERVED_SUBDOMAINS = new Set([
  'www',
  'api',
  'admin',
  'administrator',
  'mail',
  'email',
  'smtp',
  'imap',
  'pop',
  'ftp',
  'sites',
  'site',
  'static',
  'assets',
  'cdn',
  'app',
  'apps',
  'console',
  'dashboard',
  'grafana',
  'prometheus',
  'metrics',
  'health',
  'status',
  'auth',
  'login',
  'account',
  'accounts',
  'root',
  'localhost',
  'ns1',
  'ns2',
  'dns',
  'azora',
  'support',
  'help',
  'docs',
  'test',
  'dev',
  'staging',
  'internal',
  'preview',
]);

/** Why `label` cannot be a subdomain, or undefined when it can. */
export function subdomainProblem(label: string): string | undefined {
  if (label.length < 1 || label.length > 63) return 'must be 1 to 63 characters';
  if (!/^[a-z0-9-]+$/.test(label)) return 'must contain only lower-case letters a-z, digits and hyphens';
  if (label.startsWith('-') || label.endsWith('-')) return 'must not start or end with a hyphen';
  if (/^xn--/.test(label) || label.slice(2, 4) === '--') return 'must not use the reserved "xx--" form';
  return undefined;
}

export const deploymentId = (subdomain: string) => naturalId(`subdomain:${subdomain}`);

export class Publisher {
  readonly store: Store;
  readonly dir: string;

  constructor(store: Store, dir: string) {
    this.store = store;
    this.dir = dir;
  }

  /**
   * Claims `subdomain` for the site (409 when another site holds it), writes the files,
   * and records the deployment. Moving a site to a new subdomain releases its old one.
   */
  async publish(site: SiteDoc, subdomain: string, version: number, files: RenderedFile[]): Promise<DeploymentDoc> {
    const problem = subdomainProblem(subdomain);
    if (problem) throw new HttpProblem(400, `invalid subdomain "${subdomain}": ${problem}`);
    if (RESERVED_SUBDOMAINS.has(subdomain)) throw new HttpProblem(400, `the subdomain "${subdomain}" is reserved`);
    const _id = deploymentId(subdomain);
    const publishedAt = new Date();
    const doc: DeploymentDoc = {
      _id,
      key: `subdomain:${subdomain}`,
      subdomain,
      site: site._id,
      owner: site.owner,
      version,
      publishedAt,
    };
    try {
      await this.store.deployments.collection.insertOne(doc as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Held already: fine when it is this site's (a re-publish), a conflict otherwise.
      const claimed = await this.store.deployments.updateOne(
        { _id, site: site._id },
        { $set: { version, publishedAt } },
      );
      if (claimed.matchedCount === 0)
        throw new HttpProblem(409, `the subdomain "${subdomain}" is taken by another site`);
    }
    await this.#write(subdomain, files);
    const previous = site.subdomain;
    await this.store.sites.updateOne(
      { _id: site._id },
      { $set: { subdomain, published: { subdomain, version, publishedAt }, updatedAt: publishedAt } },
    );
    if (previous && previous !== subdomain) {
      await this.store.deployments.deleteOne({ _id: deploymentId(previous), site: site._id });
      await rm(join(this.dir, previous), { recursive: true, force: true });
    }
    return doc;
  }

  /** Writes the files into a temporary folder, then swaps it in with renames (never half a site). */
  async #write(subdomain: string, files: RenderedFile[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const suffix = randomBytes(6).toString('hex');
    const staging = join(this.dir, `.staging-${subdomain}-${suffix}`);
    const retired = join(this.dir, `.retired-${subdomain}-${suffix}`);
    const target = join(this.dir, subdomain);
    try {
      for (const file of files) {
        const path = join(staging, file.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.body, 'utf8');
      }
      const hadOld = await rename(target, retired).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      await rename(staging, target);
      if (hadOld) await rm(retired, { recursive: true, force: true });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * A published file: `path` is one of the names the renderer writes (index.html,
   * <slug>/index.html, styles.css), checked against a strict pattern, so nothing outside
   * the subdomain's folder can be named.
   */
  async read(subdomain: string, path: string): Promise<Buffer | undefined> {
    if (subdomainProblem(subdomain) || !/^(?:[a-z0-9-]{1,40}\/)?index\.html$|^styles\.css$/.test(path))
      return undefined;
    return readFile(join(this.dir, subdomain, path)).catch(() => undefined);
  }
}

/** The site's files as a zip archive. */
export function zipFiles(files: RenderedFile[]): Uint8Array {
  const encoder = new TextEncoder();
  return zipSync(Object.fromEntries(files.map((file) => [file.path, encoder.encode(file.body)])), { level: 6 });
}
