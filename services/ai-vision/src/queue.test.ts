import { describe, expect, it } from 'vitest';
import { QueueFullError, WorkQueue } from './queue.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks at once, in arrival order', async () => {
    const depths: number[] = [];
    const queue = new WorkQueue({ concurrency: 2, limit: 10, onDepth: (d) => depths.push(d) });
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        queue.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Math.max(...depths)).toBe(4);
    expect(depths.at(-1)).toBe(0);
    expect(queue.running).toBe(0);
  });

  it('refuses work once `limit` tasks wait, and accepts again when they drain', async () => {
    const queue = new WorkQueue({ concurrency: 1, limit: 1 });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const second = queue.run(async () => 'second');
    expect(queue.full).toBe(true);
    await expect(queue.run(async () => 'third')).rejects.toBeInstanceOf(QueueFullError);
    gate.resolve();
    await first;
    expect(await second).toBe('second');
    expect(await queue.run(async () => 'fourth')).toBe('fourth');
  });

  it('frees the worker when a task fails', async () => {
    const queue = new WorkQueue({ concurrency: 1, limit: 0 });
    await expect(queue.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 'next')).toBe('next');
  });
});
