// The first view: the default scenario's opening is drawn from the build's recording while the
// engine's WASM loads, then the engine takes over at the same moment, answering as the recording did.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openPage } from './browser.mjs';
import { startPreview } from './server.mjs';

const ARTIFACTS = new URL('../../artifacts/playground/', import.meta.url);
mkdirSync(ARTIFACTS, { recursive: true });
let server;
const pages = [];

before(async () => {
  server = await startPreview(Number(process.env.FIRST_VIEW_TEST_PORT ?? 4181));
});

after(async () => {
  for (const browser of pages) await browser.close();
  server?.stop();
});

const state = (page) => page.evaluate(() => window.playground.state());

test('placement is on the board before the engine has loaded, and the engine takes over where it was', async () => {
  let releaseWasm;
  const wasmHeld = new Promise((resolve) => (releaseWasm = resolve));
  const requested = [];
  const browser = await openPage(server.url, async (context) => {
    context.on('request', (request) => requested.push(new URL(request.url()).pathname));
    // The engine's WASM is held back until the test lets it through.
    await context.route('**/*.wasm', async (route) => {
      await wasmHeld;
      await route.continue();
    });
  });
  pages.push(browser);
  const { page } = browser;
  // Played at 10×, the service's nine tasks land 5 virtual seconds in.
  await page.waitForFunction(() => window.playground?.state()?.layout.tasks.taskArn.length >= 9, null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.playground.live()), false, 'the engine is not up: the recording answered');
  assert.ok(requested.some((path) => path.endsWith('.wasm')), 'the engine was asked for at once');
  const drawn = await page.evaluate(() => window.playground.board.summary());
  assert.deepEqual(drawn.zones.map((z) => z.zone), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  assert.equal(drawn.instances.reduce((sum, box) => sum + box.tasks, 0), (await state(page)).layout.tasks.taskArn.length);
  assert.match(await page.textContent('#log'), /has started 9 tasks/);
  await page.screenshot({ path: new URL('first-view-before-engine.png', ARTIFACTS).pathname });

  releaseWasm();
  await page.waitForFunction(() => window.playground.live(), null, { timeout: 30000 });
  // The engine plays on from the moment the recording had reached.
  await page.click('#play');
  await page.waitForTimeout(300);
  const shown = await state(page);
  const { scenario } = await page.evaluate(() => window.playground.recorded(0));
  await page.evaluate(({ scenario, time }) => window.playground.run({ type: 'load', scenario, time }), { scenario, time: shown.time - shown.start });
  const engine = await state(page);
  assert.deepEqual(engine.layout.tasks, shown.layout.tasks);
  assert.deepEqual(engine.log, shown.log);
  assert.deepEqual(browser.problems, []);
});

test('the recording answers what the engine answers, at any moment it covers', async () => {
  const browser = await openPage(`${server.url}?paused`);
  pages.push(browser);
  const { page } = browser;
  await page.waitForFunction(() => window.playground?.state()?.layout, null, { timeout: 30000 });
  await page.waitForFunction(() => window.playground.live(), null, { timeout: 30000 });
  // Either side of every change in the default scenario's opening, and in between.
  const moments = [0, 4.999, 5, 5.0005, 14.999, 15, 15.5, 16, 25.999, 26, 59.999, 60, 60.001, 70, 71, 100, 149.999, 150, 160.5, 171, 299.5, 300];
  for (const seconds of moments) {
    const { scenario, state: recorded } = await page.evaluate((s) => window.playground.recorded(s), seconds);
    await page.evaluate(({ scenario, time }) => window.playground.run({ type: 'load', scenario, time }), { scenario, time: seconds });
    assert.deepEqual(recorded, await state(page), `at ${seconds} s`);
  }
  assert.equal(await page.evaluate(() => window.playground.recorded(300.5).then((r) => r.state)), null, 'past the recording: the engine answers');
  assert.deepEqual(browser.problems, []);
});
