import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { recordFirstViewFile } from './scripts/record-first-view.mjs';

const { version } = JSON.parse(readFileSync(new URL('../bindings-node/package.json', import.meta.url), 'utf8'));

export default defineConfig({
  define: { __ECSIM_VERSION__: JSON.stringify(version) },
  // The shared JS layer lives in bindings-node/lib.
  server: { fs: { allow: ['..'] } },
  build: { target: "es2022" },
  worker: { format: "es" },
  // The first view's recording, made by the engine in web/pkg before the public files are copied.
  plugins: [{ name: 'ecsim-first-view', apply: 'build', buildStart: () => recordFirstViewFile() }],
});
