// Replays each service's Dockerfile build path without Docker (prune → install → build →
// production deploy), then starts the result the way the image would and probes it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, imagePath, type ReplayedImage, replayDockerfile } from '@azora/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { presentServices, REPO_ROOT } from './repo.ts';

const withDockerfile = presentServices().filter((s) => s.dockerfile);

async function waitForHealth(url: string, child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within 30 s`);
}

describe.each(withDockerfile.map((s) => [s.entry.name, s] as const))('%s image build path', (_name, service) => {
  let image: ReplayedImage | undefined;
  afterAll(() => image?.cleanup());

  it('prunes, installs, builds and deploys production dependencies only', async () => {
    image = await replayDockerfile({ dockerfile: service.dockerfile as string, context: REPO_ROOT });
    expect(image.cmd.length).toBeGreaterThan(0);
    expect(existsSync(imagePath(image, 'package.json'))).toBe(true);
    expect(existsSync(imagePath(image, 'node_modules/vitest')), 'no devDependencies in the image').toBe(false);
    expect(existsSync(imagePath(image, 'node_modules/typescript')), 'no devDependencies in the image').toBe(false);
    expect(existsSync(imagePath(image, 'src')), 'sources are not shipped').toBe(false);
  }, 300_000);

  it('starts from the deployed folder alone, passes its HEALTHCHECK and stops on SIGTERM', async () => {
    if (!image) throw new Error('the build step failed');
    const port = await freePort();
    const [command, ...args] = image.cmd;
    // Only the image's own environment: nothing from this workspace may leak in.
    const env = { PATH: process.env.PATH ?? '', ...image.env, PORT: String(port) };
    const child = spawn(command === 'node' ? process.execPath : (command as string), args, {
      cwd: image.workdir,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      expect(await waitForHealth(`http://127.0.0.1:${port}${service.entry.health.live}`, child)).toBe(200);
      const [checkCommand, ...checkArgs] = image.healthcheck ?? [];
      expect(checkCommand, 'HEALTHCHECK in exec form').toBe('node');
      // Like Docker during the start period: retry until the check passes (a service that
      // loads models answers /health at once but is ready only later).
      const deadline = Date.now() + 30_000;
      const { workdir } = image;
      const runCheck = () => spawnSync(process.execPath, checkArgs, { env, cwd: workdir, timeout: 10_000 });
      let check = runCheck();
      while (check.status !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        check = runCheck();
      }
      expect(check.status, `HEALTHCHECK output: ${check.stderr}`).toBe(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});
