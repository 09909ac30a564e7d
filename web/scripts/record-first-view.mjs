#!/usr/bin/env node
// Writes web/public/first-view.json: the opening of the default scenario as the engine in web/pkg
// plays it (src/engine/first-view.ts says why). `npm run build:wasm` (and so
// `npm run build` and ./dev) runs it after building the bundle, so the recording always comes from
// the engine the site ships.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'vite';
import { makeApi } from '../../bindings-node/lib/api.js';

const web = new URL('../', import.meta.url);
/** Seconds of the default scenario recorded: 30 s of real time at the page's default speed (10×). */
const SECONDS = 300;

const wasm = await import(new URL('pkg/ecsim_wasm.js', web).href);
wasm.initSync({ module: readFileSync(new URL('pkg/ecsim_wasm_bg.wasm', web)) });
const api = makeApi(wasm);
// Vite reads the page's TypeScript (the Timeline and the presets) for Node.
const vite = await createServer({ root: web.pathname, configFile: false, logLevel: 'error', appType: 'custom', optimizeDeps: { noDiscovery: true, include: [] }, server: { middlewareMode: true, fs: { allow: ['..'] } } });
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
