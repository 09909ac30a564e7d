#!/usr/bin/env node
// Builds the WASM bundle the playground needs into web/pkg: the ecsim-wasm crate for
// wasm32-unknown-unknown (profile wasm-size), wasm-bindgen's glue (the CLI must be the crate's
// exact version; ./dev installs it), and wasm-opt (npm binaryen; Debian's breaks Rust 1.95 output).
// `npm run build` runs it before vite, so the static site in web/dist is built from the tree as is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
// The npm package's build runs this too, possibly before the playground's `npm ci`.
const wasmOpt = [`${web}node_modules/.bin/wasm-opt`, `${root}bindings-node/node_modules/.bin/wasm-opt`].find((path) => existsSync(path));
if (!wasmOpt) {
  console.error('wasm-opt is needed: npm ci in web/ or bindings-node/ installs it (npm binaryen)');
  process.exit(1);
}
const optimisations = [
  '-Oz', '--strip-debug', '--strip-producers',
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-reference-types', '--enable-multivalue',
];
// wasm-opt takes a minute and a half, and a test run builds twice (the npm package's build, then
// its `prepack` for `npm pack`): web/pkg is kept when it was made from this very crate build by
// these wasm-bindgen and wasm-opt, with these options. The record goes before a new pkg is
// made and comes back once it is whole, so an interrupted build is never taken for a made one.
const made = `${web}pkg/.made-from`;
const source = JSON.stringify({
  wasm: createHash('sha256').update(readFileSync(built)).digest('hex'),
  wasmBindgen: wanted,
  wasmOpt: execFileSync(wasmOpt, ['--version'], { encoding: 'utf8' }).trim(),
  optimisations,
});
const outputs = ['ecsim_wasm.js', 'ecsim_wasm.d.ts', 'ecsim_wasm_bg.wasm'].map((file) => `${web}pkg/${file}`);
if (existsSync(made) && readFileSync(made, 'utf8') === source && outputs.every((file) => existsSync(file))) {
  console.log('web/pkg is up to date with the WASM build');
} else {
  rmSync(made, { force: true });
  run('wasm-bindgen', ['--target', 'web', '--out-dir', `${web}pkg`, built]);
  run(wasmOpt, [...optimisations, `${web}pkg/ecsim_wasm_bg.wasm`, '-o', `${web}pkg/ecsim_wasm_bg.wasm`]);
  writeFileSync(made, source);
}
console.log(`web/pkg/ecsim_wasm_bg.wasm: ${statSync(`${web}pkg/ecsim_wasm_bg.wasm`).size} bytes`);
// The time zone database the bundle leaves out, served next to it and installed after the first view.
mkdirSync(`${web}public`, { recursive: true });
run('cargo', ['run', '--quiet', '-p', 'ecsim-core', '--example', 'tzdb_bundle', '--', `${web}public/tzdb.bin`]);
