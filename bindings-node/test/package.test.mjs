// The package as npm users get it: `npm pack`, installed from the tarball in a scratch project,
// then loaded with import and require, run from its bin, type-checked by a consumer, and run on
// its WASM fallback when the addon is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'ecsim-package-'));
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
const tarball = join(scratch, npm(['pack', '--pack-destination', scratch], here).trim().split('\n').pop());
const project = join(scratch, 'consumer');
execFileSync('mkdir', ['-p', project]);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
npm(['install', '--offline', tarball], project);
const installed = join(project, 'node_modules/ecsim');

function node(file, source, env = {}) {
  writeFileSync(join(project, file), source);
  const run = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const ESM = `
import { Simulation, ClusterNotFoundException, backend, rules } from 'ecsim';
import { EcsimValidator } from 'ecsim/cdk';
const sim = new Simulation({ seed: 1 });
let typed = false;
try { sim.client('ecs').describeServices({ cluster: 'nowhere', services: ['x'] }); } catch (e) { typed = e instanceof ClusterNotFoundException; }
console.log(JSON.stringify({ backend, typed, rules: rules().length, plugin: new EcsimValidator().name }));
`;

test('package: the tarball holds the loader, the addon, the WASM fallback and the types, not the tests', () => {
  const files = readdirSync(installed, { recursive: true });
  for (const file of ['native.cjs', 'lib/index.js', 'lib/index.cjs', 'lib/cdk.js', 'lib/types/ecs.d.ts', 'bin/ecsim.js', 'wasm/ecsim_wasm_bg.wasm', 'wasm/tzdb.bin']) {
    assert.ok(files.includes(file), file);
  }
  assert.ok(files.some((f) => f.endsWith('.node')));
  assert.ok(!files.some((f) => f.startsWith('test') || f.startsWith('src')));
});

test('package: import works (ESM), with typed errors and the CDK entry', () => {
  const out = node('esm.mjs', ESM);
  assert.deepEqual({ ...out, rules: out.rules > 40 }, { backend: 'native', typed: true, rules: true, plugin: 'ecsim' });
});

test('package: require works (CommonJS) and shares the ESM error classes', () => {
  const out = node('cjs.cjs', `
    const ecsim = require('ecsim');
    const { EcsimValidator } = require('ecsim/cdk');
    const sim = new ecsim.Simulation();
    let typed = false;
    try { sim.client('ecs').deleteCluster({ cluster: 'nowhere' }); } catch (e) { typed = e instanceof ecsim.ClusterNotFoundException && e instanceof ecsim.EcsimError; }
    import('ecsim').then((esm) => console.log(JSON.stringify({ typed, same: esm.EcsimError === ecsim.EcsimError, plugin: typeof EcsimValidator })));
  `);
  assert.deepEqual(out, { typed: true, same: true, plugin: 'function' });
});

test('package: the bin runs as npx runs it', () => {
  const run = spawnSync(join(project, 'node_modules/.bin/ecsim'), ['--list-rules'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^TD203 /m);
});

test('package: a consumer type-checks against the installed types, and a wrong call does not', () => {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [], skipLibCheck: false },
    files: ['consumer.ts'],
  }));
  writeFileSync(join(project, 'consumer.ts'), `
    import { Simulation, type ecs } from 'ecsim';
    import { EcsimValidator } from 'ecsim/cdk';
    const out: ecs.DescribeClustersResponse = new Simulation().client('ecs').describeClusters({ clusters: ['default'] });
    // @ts-expect-error: clusters is a list of names
    new Simulation().client('ecs').describeClusters({ clusters: 'default' });
    export const checked = [out, new EcsimValidator().ruleIds];
  `);
  const tsc = join(here, 'node_modules/.bin/tsc');
  const run = spawnSync(tsc, ['-p', project], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout);
  writeFileSync(join(project, 'consumer.ts'), "import { Simulation } from 'ecsim';\nnew Simulation().client('ecs').describeClusters({ clusters: 'default' });\n");
  const wrong = spawnSync(tsc, ['-p', project], { encoding: 'utf8' });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stdout, /consumer\.ts\(2,\d+\): error TS2322/);
});

test('package: without a loadable addon it falls back to the WASM build, synchronously', () => {
  const forced = node('esm.mjs', ESM, { ECSIM_BACKEND: 'wasm' });
  assert.equal(forced.backend, 'wasm');
  assert.equal(forced.typed, true);
  for (const file of readdirSync(installed).filter((f) => f.endsWith('.node'))) rmSync(join(installed, file));
  const fallback = node('cjs-fallback.cjs', `
    const ecsim = require('ecsim');
    const sim = new ecsim.Simulation({ seed: 7 });
    sim.client('ecs').createCluster({ clusterName: 'prod' });
    console.log(JSON.stringify({ backend: ecsim.backend, reason: String(ecsim.fallbackReason).slice(0, 60).length > 0, clusters: sim.client('ecs').listClusters({}).clusterArns.length }));
  `);
  assert.deepEqual(fallback, { backend: 'wasm', reason: true, clusters: 1 });
  const strict = spawnSync(process.execPath, ['esm.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, ECSIM_BACKEND: 'native' } });
  assert.notEqual(strict.status, 0, 'ECSIM_BACKEND=native refuses the fallback');
});
