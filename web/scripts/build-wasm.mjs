#!/usr/bin/env node
// Builds the WASM bundle the playground needs into web/pkg: the ecsim-wasm crate for
// wasm32-unknown-unknown (profile wasm-size), wasm-bindgen's glue (the CLI must be the crate's
// exact version; ./dev installs it), and wasm-opt (npm binaryen; Debian's breaks Rust 1.95 output).
// `npm run build` runs it before vite, so the static site in web/dist is built from the tree as is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const web = fileURLToPath(new URL('../', import.meta.url));
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

const lock = readFileSync(`${root}Cargo.lock`, 'utf8');
const wanted = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
let installed = '';
try {
  installed = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).split(' ')[1]?.trim();
} catch {
  // not installed
}
if (installed !== wanted) {
  console.error(`wasm-bindgen-cli ${wanted} is needed (found ${installed || 'none'}): cargo install wasm-bindgen-cli --version ${wanted}`);
  process.exit(1);
}

run('cargo', ['build', '-p', 'ecsim-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-size']);
const built = `${root}target/wasm32-unknown-unknown/wasm-size/ecsim_wasm.wasm`;
// wasm-opt takes a minute and a half, and a test run builds twice (the npm package's build, then
// its `prepack` for `npm pack`): web/pkg is kept when this wasm-bindgen made it from this very
// build (cargo leaves an artefact that is up to date untouched).
const made = `${web}pkg/.made-from`;
const { size, mtimeMs } = statSync(built);
const source = JSON.stringify({ size, mtimeMs, wasmBindgen: wanted });
const outputs = ['ecsim_wasm.js', 'ecsim_wasm.d.ts', 'ecsim_wasm_bg.wasm'].map((file) => `${web}pkg/${file}`);
if (existsSync(made) && readFileSync(made, 'utf8') === source && outputs.every((file) => existsSync(file))) {
  console.log('web/pkg is up to date with the WASM build');
} else {
  run('wasm-bindgen', ['--target', 'web', '--out-dir', `${web}pkg`, built]);
  // The npm package's build runs this too, possibly before the playground's `npm ci`.
  const wasmOpt = [`${web}node_modules/.bin/wasm-opt`, `${root}bindings-node/node_modules/.bin/wasm-opt`].find((path) => existsSync(path));
  if (!wasmOpt) {
    console.error('wasm-opt is needed: npm ci in web/ or bindings-node/ installs it (npm binaryen)');
    process.exit(1);
  }
  run(wasmOpt, [
    '-Oz', '--strip-debug', '--strip-producers',
    '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-reference-types', '--enable-multivalue',
    `${web}pkg/ecsim_wasm_bg.wasm`, '-o', `${web}pkg/ecsim_wasm_bg.wasm`,
  ]);
  writeFileSync(made, source);
}
console.log(`web/pkg/ecsim_wasm_bg.wasm: ${statSync(`${web}pkg/ecsim_wasm_bg.wasm`).size} bytes`);
// The time zone database the bundle leaves out, served next to it and installed after the first view.
mkdirSync(`${web}public`, { recursive: true });
run('cargo', ['run', '--quiet', '-p', 'ecsim-core', '--example', 'tzdb_bundle', '--', `${web}public/tzdb.bin`]);
