// Replays the vectors through the browser bundle (web/pkg, wasm-bindgen --target web), in Node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeApi } from '../lib/api.js';
import { replay, vectorFiles } from './replay.mjs';
import { seamTests } from './seam.mjs';

const pkg = new URL('../../web/pkg/', import.meta.url);
const wasm = await import(new URL('ecsim_wasm.js', pkg));
wasm.initSync({ module: readFileSync(new URL('ecsim_wasm_bg.wasm', pkg)) });
const api = makeApi(wasm);
// The bundle leaves the time zone database out; the playground installs it after its first view.
api.installTimeZones(readFileSync(new URL('../../web/public/tzdb.bin', import.meta.url)));
seamTests('wasm', wasm, api);

for (const file of vectorFiles()) {
  test(`wasm vector ${file.split('/tests/vectors/')[1]}`, () => {
    assert.deepEqual(replay(api, file), []);
  });
}

test('wasm: a panic traps into a JS error instead of killing the process', () => {
  assert.throws(() => api._panicProbe(), (error) => error instanceof Error);
});

test('wasm: no DNS server in the browser build, the resolver instead', () => {
  const sim = new api.Simulation();
  assert.throws(() => sim.serveDns(), /serveDns needs the Node package/);
  const discovery = sim.client('servicediscovery');
  discovery.createPrivateDnsNamespace({ Name: 'local', Vpc: 'vpc-1' });
  const answer = sim.client('ecsim').resolveDns({ name: 'nothing.local' });
  assert.equal(answer.rcode, 'NXDOMAIN');
});
