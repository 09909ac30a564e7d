// The scaling panel in headless Chromium: a load curve drives target tracking, and the charts
// show what the engine did, at every moment the clock is taken to.
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
  server = await startPreview(Number(process.env.SCALING_TEST_PORT ?? 4183));
});

after(async () => {
  for (const browser of pages) await browser.close();
  server?.stop();
});

const state = (page) => page.evaluate(() => window.playground.state());
const shownAt = (page, time) => page.waitForFunction((t) => window.playground.scaling()?.time === t, time, { timeout: 20000 });

test('a load curve drives target tracking: desired, running and the load charted as the engine had them', async () => {
  const browser = await openPage(`${server.url}?paused`);
  pages.push(browser);
  const { page } = browser;
  await page.waitForFunction(() => window.playground?.state()?.layout, null, { timeout: 30000 });
  await page.selectOption('#preset', 'autoscaling');
  await page.waitForFunction(() => window.playground.state().scenario.name === 'Auto scaling through a load curve', null, { timeout: 30000 });
  await page.evaluate(() => window.playground.run({ type: 'advance', seconds: 2400 }));
  await page.click('[data-tab=scaling]');
  const now = (await state(page)).time;
  await shownAt(page, now);

  const chart = await page.evaluate(() => window.playground.scaling());
  const [web] = chart.services;
  assert.equal(web.name, 'web');
  assert.equal(web.cpuTarget, 50);
  // The service as DescribeServices has it now is the chart's last point.
  const described = (await state(page)).services.find((s) => s.serviceName === 'web');
  const last = web.samples.at(-1);
  assert.equal(last.desired, described.desiredCount);
  assert.equal(last.running, described.runningCount);
  // The peak's load took it past its starting two tasks, and the CPU its tasks hold follows them (256 each).
  assert.ok(Math.max(...web.samples.map((s) => s.desired)) > 6, 'scaled out for the peak');
  for (const s of web.samples) assert.equal(s.cpu, s.running * 256);
  assert.ok(web.cpuUtilization.some((u) => u.value > 50), 'the load went above the target');
  // What is drawn: three charts, their lines, the target.
  assert.equal(await page.locator('#scaling-charts figure').count(), 3);
  for (const series of ['desired', 'running', 'demand (load)', 'service capacity', 'CPUUtilization']) {
    const points = await page.getAttribute(`#scaling-charts polyline[data-series="${series}"]`, 'points');
    assert.ok(points.split(' ').length > 10, series);
  }
  assert.match(await page.textContent('#tab-scaling'), /target tracking at 50 % CPU/);
  await page.screenshot({ path: new URL('scaling.png', ARTIFACTS).pathname });

  // Back to 25 minutes in: the charts end there, with the counts the engine had then.
  const earlier = (await state(page)).start + 1500;
  await page.evaluate((time) => window.playground.run({ type: 'seek', time }), earlier);
  await shownAt(page, earlier);
  const before = await page.evaluate(() => window.playground.scaling());
  assert.ok(before.services[0].samples.every((s) => s.time <= earlier));
  const then = (await state(page)).services.find((s) => s.serviceName === 'web');
  assert.equal(before.services[0].samples.at(-1).desired, then.desiredCount);
  assert.deepEqual(browser.problems, []);
});
