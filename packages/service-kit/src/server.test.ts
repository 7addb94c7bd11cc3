import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the fixture service in its own process and waits for its port. */
async function startFixture(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--conditions=@azora/source', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /port (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, port, exited, output: () => output };
}

describe('graceful shutdown', () => {
  it('on SIGTERM: finishes in-flight requests, refuses new ones, closes resources in reverse, exits 0', async () => {
    const { child, port, exited, output } = await startFixture();
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const inFlight = fetch(`${url}/slow?ms=600`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(output().indexOf('closed cache')).toBeLessThan(output().indexOf('closed database'));
    expect(output()).toContain('closed database');
  });

  it('exits promptly when idle keep-alive connections are open', async () => {
    const { child, port, exited } = await startFixture();
    // fetch keeps the connection alive after this response.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const started = Date.now();
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up after the shutdown limit and exits 1 when a request will not finish', async () => {
    const { child, port, exited } = await startFixture({ SHUTDOWN_TIMEOUT_MS: '500' });
    const stuck = fetch(`http://127.0.0.1:${port}/slow?ms=30000`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await stuck).toBeInstanceOf(Error);
  });

  it('does not outlive its supervisor', async () => {
    const supervisor = spawn('sleep', ['60']);
    const { port, exited } = await startFixture({ AZORA_SUPERVISOR_PID: String(supervisor.pid) });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    supervisor.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
