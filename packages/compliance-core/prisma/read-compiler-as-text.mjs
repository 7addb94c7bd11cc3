// Run after `prisma generate` by every package that generates a Prisma client (this one,
// quantum-iot-integration, 5g-manager): node <this file> <the generated client's folder>.
//
// The generated client loads its query compiler by importing an ES module that holds the
// wasm as one 2.3 MB base64 string. An imported module is never unloaded, so that string
// and the module's source, another 2.3 MB, stay in the heap for the life of the process:
// 4.5 MB of every Prisma service's heap (a heap snapshot of hipaa-compliance) for bytes
// used once. This rewrites the loader to read that module's file as text and decode the
// string out of it; the text is garbage once the wasm is compiled. A generated loader not
// in the expected shape (a Prisma upgrade) stops the build rather than ship unpatched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARK = '// Read as text by read-compiler-as-text.mjs';
const LOADER =
  /const \{ wasm \} = await import\(("@prisma\/client\/runtime\/[\w.]+\.wasm-base64\.mjs")\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;

const folder = process.argv[2];
if (!folder) throw new Error('usage: node read-compiler-as-text.mjs <generated client folder>');
const file = join(folder, 'internal', 'class.ts');
const code = readFileSync(file, 'utf8');
if (!code.includes(MARK)) {
  if (!LOADER.test(code)) throw new Error(`${file}: no query compiler loader in the shape this patch knows`);
  writeFileSync(
    file,
    code.replace(LOADER, (_, specifier, indent) =>
      [
        `${MARK}: importing it would keep its 2.3 MB string for good.`,
        `const { readFile } = await import('node:fs/promises')`,
        `const { createRequire } = await import('node:module')`,
        `const text = await readFile(createRequire(import.meta.url).resolve(${specifier}), 'latin1')`,
        `return await decodeBase64AsWasm(text.slice(text.indexOf('"') + 1, text.lastIndexOf('"')))`,
      ].join(`\n${indent}`),
    ),
  );
}
