// The package's WASM fallback (what loads where the napi addon cannot), forced with
// ECSIM_BACKEND=wasm: the vectors and the seam tests through it, synchronously.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replay, vectorFiles } from './replay.mjs';
import { seamTests } from './seam.mjs';

process.env.ECSIM_BACKEND = 'wasm';
const api = await import('../lib/index.js');
const { engine } = await import('../lib/native.js');
seamTests('wasm', engine, api);

test('wasm: the package runs on the WASM build when asked to', () => {
  assert.equal(api.backend, 'wasm');
});

for (const file of vectorFiles()) {
  test(`wasm vector ${file.split('/tests/vectors/')[1]}`, () => {
    assert.deepEqual(replay(api, file), []);
  });
}

test('wasm: a panic traps into a JS error instead of killing the process', () => {
  assert.throws(() => api._panicProbe(), (error) => error instanceof Error);
});

test('wasm: no DNS server in the WASM build, the resolver instead', () => {
  const sim = new api.Simulation();
  assert.throws(() => sim.serveDns(), /serveDns needs the native addon/);
  const discovery = sim.client('servicediscovery');
  discovery.createPrivateDnsNamespace({ Name: 'local', Vpc: 'vpc-1' });
  const answer = sim.client('ecsim').resolveDns({ name: 'nothing.local' });
  assert.equal(answer.rcode, 'NXDOMAIN');
});

test('wasm: time zones are installed from the package (scheduled actions in Paris)', () => {
  const times = api.math.fireTimes('cron(0 9 * * ? *)', '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z', 'Europe/Paris');
  assert.deepEqual(times.map((t) => new Date(t * 1000).toISOString()), ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
});
