import { readFileSync } from 'node:fs';

/**
 * What runs, for `/health`, readiness and the console's status board: the version in the
 * service's package.json, plus the revision an image was built from when the build
 * stamped one (`AZORA_REVISION`, the Dockerfile's build argument) as semver build
 * metadata — `0.1.0+3f9c2ab`.
 */
export function serviceVersion(packageJson: URL, env: Record<string, string | undefined> = process.env): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string' || version === '') throw new Error(`${packageJson.pathname} has no version`);
  const revision = env.AZORA_REVISION?.trim();
  return revision ? `${version}+${revision}` : version;
}
