// The report files on the reports volume (REPORTS_DIR): <dir>/<report id>/report.<format>,
// each written to a temporary file and renamed into place, so a reader (or a crash) never
// sees half a file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Format, StoredFile } from './store.ts';

export function reportFile(id: string, format: Format): string {
  return join(id, `report.${format}`);
}

/** Writes `data` to `<dir>/<file>` atomically (temp file, fsync, rename); returns its size and SHA-256. */
export async function writeAtomic(dir: string, file: string, data: Uint8Array | string): Promise<StoredFile> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const target = join(dir, file);
  const folder = join(target, '..');
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o640);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Removes a report's folder; returns how many of its files were there. */
export async function removeReportFiles(dir: string, id: string, files: readonly StoredFile[]): Promise<number> {
  let removed = 0;
  for (const stored of files) {
    try {
      await rm(join(dir, stored.file));
      removed += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await rm(join(dir, id), { recursive: true, force: true });
  return removed;
}
