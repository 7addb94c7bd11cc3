import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console needs no Vite plugin: esbuild compiles TSX with React's automatic JSX runtime.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  esbuild: { jsx: 'automatic', jsxImportSource: 'react' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/public', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  // Dev only: the HMR websocket port, so several checkouts' `pnpm dev` do not collide.
  server: { hmr: { port: Number(process.env.VITE_HMR_PORT ?? 24678) } },
  logLevel: 'warn',
});
