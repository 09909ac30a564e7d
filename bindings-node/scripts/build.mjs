#!/usr/bin/env node
// `npm run build`: everything the package ships, as `./dev` builds it.
//   native.cjs + ecsim.<triple>.node  the napi addon and napi-rs's CommonJS loader (napi build)
//   wasm/                             the WASM build the package falls back to, and its time zones
// The WASM build is the playground's (web/scripts/build-wasm.mjs), copied here.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('../', import.meta.url));
const web = fileURLToPath(new URL('../../web/', import.meta.url));
const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: 'inherit' });

run(`${here}node_modules/.bin/napi`, ['build', '--platform', '--release', '--js', 'native.cjs', '--dts', 'native.d.cts'], here);
if (!process.argv.includes('--native-only')) {
  run(process.execPath, [`${web}scripts/build-wasm.mjs`], web);
  mkdirSync(`${here}wasm`, { recursive: true });
  for (const [from, to] of [['pkg/ecsim_wasm.js', 'ecsim_wasm.js'], ['pkg/ecsim_wasm.d.ts', 'ecsim_wasm.d.ts'],
    ['pkg/ecsim_wasm_bg.wasm', 'ecsim_wasm_bg.wasm'], ['public/tzdb.bin', 'tzdb.bin']]) {
    copyFileSync(`${web}${from}`, `${here}wasm/${to}`);
  }
}
