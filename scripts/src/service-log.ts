/**
 * A service's log file under pnpm dev, written by the service itself: its stdout and stderr
 * are this file, not pipes to the orchestrator. A pipe wakes the orchestrator for every few
 * lines a service writes; under load, on two cores, those wake-ups and the copies they make
 * cost more CPU than the service's own requests (measured in the pnpm dev bench). The file
 * is read back in steps instead, for the terminal and for a crashed service's last lines.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

const NEWLINE = 0x0a;
const READ_SIZE = 64 * 1024;

export interface ServiceLog {
  /** Open for appending (and reading): hand it to the child as its stdout and stderr. */
  readonly fd: number;
  /**
   * Passes every whole line written since the last read to `onLine`. With `flush`, an
   * unfinished last line counts as whole too: a service's last words may lack their newline.
   */
  read: (flush?: boolean) => void;
  /** Our own note, on a line of its own: what the service wrote before it is read first. */
  note: (text: string) => void;
  close: () => void;
}

/** Opens `path` for appending; only what is written from now on is read back. */
export function openServiceLog(path: string, onLine: (line: string) => void): ServiceLog {
  const fd = openSync(path, 'a+');
  let offset = fstatSync(fd).size;
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  /** Whether the file, as far as read, ends with a whole line (an empty file does). */
  let atLineStart = offset === 0 || (readSync(fd, buffer, 0, 1, offset - 1) === 1 && buffer[0] === NEWLINE);
  /** Bytes after the last newline read: the start of a line still being written. */
  let partial = Buffer.alloc(0);

  /** Passes on the whole lines in `bytes`; returns what follows the last newline. */
  const emitLines = (bytes: Buffer): Buffer => {
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      const stop = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
      onLine(bytes.toString('utf8', start, stop));
      start = end + 1;
    }
    return bytes.subarray(start);
  };

  const read = (flush = false) => {
    for (;;) {
      const got = readSync(fd, buffer, 0, READ_SIZE, offset);
      if (got === 0) break;
      offset += got;
      atLineStart = buffer[got - 1] === NEWLINE;
      const chunk = buffer.subarray(0, got);
      // Copied: the read buffer is reused, and the unfinished line waits for the next read.
      partial = Buffer.from(emitLines(partial.length > 0 ? Buffer.concat([partial, chunk]) : chunk));
    }
    if (flush && partial.length > 0) {
      onLine(partial.toString('utf8'));
      partial = Buffer.alloc(0);
    }
  };

  return {
    fd,
    read,
    note: (text) => {
      read(true);
      const bytes = Buffer.from(`${atLineStart ? '' : '\n'}--- ${text} ---\n`);
      writeSync(fd, bytes);
      atLineStart = true;
      // Our own note is not read back, unless something wrote after it in the meantime
      // (an orphaned child of the service): then it is read like any other line.
      if (fstatSync(fd).size === offset + bytes.length) offset += bytes.length;
    },
    close: () => {
      read(true);
      closeSync(fd);
    },
  };
}
