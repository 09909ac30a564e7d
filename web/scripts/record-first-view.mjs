// Writes web/public/first-view.json: the opening of the default scenario as the engine in web/pkg
// plays it (src/engine/first-view.ts says why). The playground's Vite config runs it at the start
// of every `vite build` (so `npm run build`, ./dev and a bare `vite build` all ship it), after the
// WASM bundle is built: the recording always comes from the engine the site ships.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';
import { makeApi } from '../../bindings-node/lib/api.js';

const web = new URL('../', import.meta.url);
/** Seconds of the default scenario recorded: 30 s of real time at the page's default speed (10×). */
const SECONDS = 300;

export async function recordFirstViewFile() {
  const bundle = new URL('pkg/ecsim_wasm_bg.wasm', web);
  if (!existsSync(bundle)) {
    throw new Error('web/pkg has no WASM bundle to record the first view with: `npm run build:wasm` builds it (`npm run build` does both).');
  }
  const wasm = await import(new URL('pkg/ecsim_wasm.js', web).href);
  wasm.initSync({ module: readFileSync(bundle) });
  const api = makeApi(wasm);
  // Vite reads the page's TypeScript (the Timeline and the presets) for Node.
  const vite = await createServer({
    root: web.pathname, configFile: false, logLevel: 'error', appType: 'custom',
    optimizeDeps: { noDiscovery: true, include: [] }, server: { middlewareMode: true, fs: { allow: ['..'] } },
  });
  try {
    const { recordFirstView } = await vite.ssrLoadModule('/src/engine/record-first-view.ts');
    const { DEFAULT_PRESET } = await vite.ssrLoadModule('/src/scenario/presets.ts');
    const started = performance.now();
    const view = recordFirstView(api, DEFAULT_PRESET.scenario, SECONDS);
    mkdirSync(new URL('public/', web), { recursive: true });
    const text = JSON.stringify(view);
    writeFileSync(new URL('public/first-view.json', web), text);
    console.log(`web/public/first-view.json: ${view.keyframes.length} keyframes over ${SECONDS} s, ${text.length} bytes, recorded in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await vite.close();
  }
}
