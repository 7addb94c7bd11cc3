// Loaded by every `pnpm dev` service before its entry point (`--import`): serves the
// JavaScript that pnpm dev stripped from each TypeScript source (stripped-sources.ts says
// why), so Node never loads its type stripper. Plain JavaScript, for the same reason.
// A source without a current stripped copy (new, or edited since) goes to Node as usual.
import { readFileSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cacheDir = process.env.AZORA_STRIPPED_SOURCES;
const STAMP = /\n\/\/ stripped from a source of mtime (\S+) and size (\d+)\n$/;

function strippedCopy(url) {
  const path = fileURLToPath(url);
  let code;
  try {
    code = readFileSync(join(cacheDir, `${path}.js`), 'utf8');
  } catch {
    return undefined;
  }
  const stamp = STAMP.exec(code.slice(-160));
  if (!stamp) return undefined;
  const source = statSync(path, { throwIfNoEntry: false });
  return source && String(source.mtimeMs) === stamp[1] && String(source.size) === stamp[2] ? code : undefined;
}

if (cacheDir) {
  registerHooks({
    load(url, context, nextLoad) {
      const code = url.startsWith('file:') && url.endsWith('.ts') ? strippedCopy(url) : undefined;
      return code === undefined ? nextLoad(url, context) : { format: 'module', source: code, shortCircuit: true };
    },
  });
}
