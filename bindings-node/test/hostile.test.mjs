// The hostile-input corpus (tests/hostile/corpus.json) through the napi module and the WASM
// bundle, each case in its own process with a time and heap limit: no crash, no hang, no memory
// blowup, and the error or finding the corpus gives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const corpus = JSON.parse(readFileSync(new URL('../../tests/hostile/corpus.json', import.meta.url), 'utf8'));
const child = new URL('./hostile-case.mjs', import.meta.url).pathname;

for (const mode of ['native', 'wasm']) {
  for (const testCase of corpus.cases) {
    test(`${mode}: ${testCase.name}`, () => {
      const done = spawnSync(process.execPath, [`--max-old-space-size=${corpus.limits.memoryMiB}`, '--stack-size=984', child, mode, JSON.stringify(testCase)], {
        encoding: 'utf8',
        timeout: corpus.limits.seconds * 1000,
        maxBuffer: 64 * 1024 * 1024,
      });
      assert.equal(done.status, 0, `exit ${done.status} ${done.signal ?? ''}: ${done.stderr.slice(-2000)}`);
      const outcome = JSON.parse(done.stdout.trim().split('\n').at(-1));
      const expect = testCase.expect;
      if (expect.error) assert.equal(outcome.error, expect.error, JSON.stringify(outcome));
      else if (expect.finding) assert.ok(outcome.findings?.includes(expect.finding), JSON.stringify(outcome));
      else if (expect.type_error) assert.ok(outcome.type_error, JSON.stringify(outcome));
      else if (expect.lines_start_with) assert.ok(outcome.lines.every((l) => expect.lines_start_with.some((p) => l.startsWith(p))), JSON.stringify(outcome));
      else assert.deepEqual(outcome, { ok: true });
    });
  }
}
