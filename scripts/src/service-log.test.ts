import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServiceLog } from './service-log.ts';

let dir: string;
let path: string;
let lines: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'service-log-'));
  path = join(dir, 'svc.log');
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openServiceLog', () => {
  it('reads back only what is written after it was opened, line by line', () => {
    writeFileSync(path, 'from an earlier run\n');
    const log = openServiceLog(path, (line) => lines.push(line));
    appendFileSync(path, 'one\ntwo\r\nthr');
    log.read();
    expect(lines).toEqual(['one', 'two']);
    appendFileSync(path, 'ee\n');
    log.read();
    expect(lines).toEqual(['one', 'two', 'three']);
    log.close();
  });

  it('keeps characters whole when a read ends inside one', () => {
    const log = openServiceLog(path, (line) => lines.push(line));
    // 64 KiB reads: the 4-byte emoji straddles the first read's end.
    const line = `${'x'.repeat(64 * 1024 - 2)}😀 née`;
    appendFileSync(path, `${line}\n${'ü'.repeat(70_000)}\n`);
    log.read();
    expect(lines).toEqual([line, 'ü'.repeat(70_000)]);
    log.close();
  });

  it('passes on an unfinished last line when flushed, and on close', () => {
    const log = openServiceLog(path, (line) => lines.push(line));
    appendFileSync(path, 'fatal: something broke');
    log.read();
    expect(lines).toEqual([]);
    log.read(true);
    expect(lines).toEqual(['fatal: something broke']);
    appendFileSync(path, 'last words');
    log.close();
    expect(lines).toEqual(['fatal: something broke', 'last words']);
  });

  it('writes its notes on lines of their own and does not read them back', () => {
    writeFileSync(path, 'no newline at the end of the last run');
    const log = openServiceLog(path, (line) => lines.push(line));
    log.note('starting (pid 1)');
    appendFileSync(path, 'listening\nfatal');
    log.note('exit code 3');
    appendFileSync(path, 'again\n');
    log.close();
    expect(lines).toEqual(['listening', 'fatal', 'again']);
    expect(readFileSync(path, 'utf8')).toBe(
      'no newline at the end of the last run\n--- starting (pid 1) ---\nlistening\nfatal\n--- exit code 3 ---\nagain\n',
    );
  });

  it('is what a child writes to when given as its stdout and stderr', async () => {
    const log = openServiceLog(path, (line) => lines.push(line));
    const child = spawn(process.execPath, ['-e', 'console.log("out"); console.error("err")'], {
      stdio: ['ignore', log.fd, log.fd],
    });
    await new Promise((resolve) => child.once('close', resolve));
    log.read();
    expect(lines).toEqual(['out', 'err']);
    log.close();
  });
});
