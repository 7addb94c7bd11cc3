import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApp, waitFor } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCommand } from './dev-script.ts';
import { devScriptOf } from './discover.ts';
import { type Backoff, groupMembers, type SupervisorEvent, type SupervisorOptions, supervise } from './supervisor.ts';
import { createFixtureRepo, type FixtureRepo, isAlive } from './test-fixtures.ts';

let repo: FixtureRepo;
beforeAll(async () => {
  repo = await createFixtureRepo([
    { name: 'ai-sentiment', mode: 'normal' },
    { name: 'ai-chatbot', mode: 'always-crash' },
    { name: 'ai-vision', mode: 'ignore-sigterm' },
    { name: 'ai-personalization', mode: 'never-ready' },
  ]);
});
afterAll(() => repo.cleanup());

const FAST_BACKOFF: Backoff = { initialMs: 100, maxMs: 400, resetAfterMs: 60_000 };

function start(name: string, overrides: Partial<SupervisorOptions> = {}, port?: number) {
  const entry = repo.services.find((service) => service.name === name);
  if (!entry) throw new Error(`no fixture ${name}`);
  port ??= entry.port;
  const events: SupervisorEvent[] = [];
  const supervised = supervise(
    {
      name,
      cwd: join(repo.root, entry.folder),
      port,
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      env: { ...process.env, PORT: String(port) },
      logFile: join(repo.root, `${name}.log`),
    },
    {
      command: devCommand(devScriptOf(repo.root, entry) as string).command,
      readyTimeoutMs: 15_000,
      backoff: FAST_BACKOFF,
      onEvent: (event) => events.push(event),
      ...overrides,
    },
  );
  return { supervised, events, port };
}

describe('supervise', () => {
  it('runs the dev script, reports it ready, streams and logs its lines, and stops its whole tree', async () => {
    const { supervised, events, port } = start('ai-sentiment');
    const outcome = await supervised.outcome;
    expect(outcome.status).toBe('ready');
    expect(outcome.readyMs).toBeGreaterThan(0);
    const group = supervised.processGroup() as number;
    // node and its child process.
    const members = groupMembers(group);
    expect(members.length).toBe(2); // no package manager or shell in between
    expect(members).toContain(group);

    await supervised.stop(5000);
    for (const pid of members) expect(await isAlive(pid)).toBe(false);
    expect(supervised.processGroup()).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/health/ready`)).rejects.toThrow();

    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['starting', 'output', 'ready']));
    expect(events).toContainEqual({
      type: 'output',
      name: 'ai-sentiment',
      line: expect.stringContaining('"msg":"listening"'),
    });
    const log = await readFile(join(repo.root, 'ai-sentiment.log'), 'utf8');
    expect(log).toMatch(/^--- .* starting \(pid \d+\) ---$/m);
    expect(log).toContain('"msg":"SIGTERM received"');
  });

  it('restarts a service that keeps exiting, waiting twice as long each time up to the maximum', async () => {
    const { supervised, events } = start('ai-chatbot', { readyTimeoutMs: 2500 });
    const outcome = await supervised.outcome;
    await waitFor(
      'five exits',
      async () => (events.filter((event) => event.type === 'exited').length >= 5 ? true : undefined),
      15_000,
      50,
    );
    await supervised.stop(5000);

    const exits = events.filter((event) => event.type === 'exited');
    expect(exits.slice(0, 5).map((event) => event.restartInMs)).toEqual([100, 200, 400, 400, 400]);
    expect(exits[0]).toMatchObject({ exit: 'exit code 3', lastLines: ['fatal: something broke'] });
    // The log keeps the unfinished line and puts our note on a line of its own.
    const log = await readFile(join(repo.root, 'ai-chatbot.log'), 'utf8');
    expect(log).toMatch(/^fatal: something broke\n--- exit code 3; restarting in [\d.]+ m?s ---$/m);
    const starts = events.filter((event) => event.type === 'starting');
    expect(starts.map((event) => event.restart)).toEqual(starts.map((_, i) => i));
    expect(outcome).toEqual({
      status: 'failed',
      detail: expect.stringMatching(/^exited \d+× \(last: exit code 3\), still restarting$/),
    });
  });

  it('SIGKILLs a service that ignores SIGTERM once the grace period is over', async () => {
    const { supervised } = start('ai-vision');
    expect((await supervised.outcome).status).toBe('ready');
    const members = groupMembers(supervised.processGroup() as number);
    const started = performance.now();
    await supervised.stop(500);
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    for (const pid of members) expect(await isAlive(pid)).toBe(false);
  });

  it('fails a service that is not ready by the deadline', async () => {
    const { supervised } = start('ai-personalization', { readyTimeoutMs: 1500 });
    expect(await supervised.outcome).toEqual({ status: 'failed', detail: 'not ready after 1.5 s' });
    await supervised.stop(5000);
  });

  it('reports a port already in use instead of starting the service', async () => {
    const squatter = await startApp((_req, res) => res.end('not azora'));
    try {
      const { supervised, events } = start('ai-sentiment', {}, squatter.port);
      const reason = `port ${squatter.port} is in use by another process`;
      expect(await supervised.outcome).toEqual({ status: 'failed', detail: reason });
      await supervised.finished;
      expect(events).toEqual([{ type: 'failed', name: 'ai-sentiment', reason }]);
      expect(await (await fetch(squatter.url)).text()).toBe('not azora');
    } finally {
      await squatter.close();
    }
  });

  it('fails at once when the command cannot be run', async () => {
    const { supervised } = start('ai-sentiment', { command: ['azora-no-such-command'] });
    expect(await supervised.outcome).toEqual({
      status: 'failed',
      detail: 'cannot run azora-no-such-command: spawn azora-no-such-command ENOENT',
    });
    await supervised.finished;
  });
});
