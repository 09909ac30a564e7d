// The notebook widget (ecsim/static/board-widget.js in the Python package): the committed bundle
// is what the board's source builds to, and in Chromium it draws the engine's layout and follows
// a new one as a notebook would send it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Simulation } from '../../bindings-node/lib/index.js';
import { openPage } from './browser.mjs';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../bindings-python/python/ecsim/static/board-widget.js', import.meta.url));
const ARTIFACTS = new URL('../../artifacts/playground/', import.meta.url);
mkdirSync(ARTIFACTS, { recursive: true });

const PAGE = `<!doctype html><html><body style="margin:0"><div id="out" style="width:900px"></div>
<script type="module">
import widget from '/board-widget.js';
const listeners = {};
const values = { layout: {}, height: 360 };
window.model = {
  get: (name) => values[name],
  on: (event, callback) => { (listeners[event] ??= []).push(callback); },
  off: (event, callback) => { listeners[event] = (listeners[event] ?? []).filter((c) => c !== callback); },
  send: (name, value) => { values[name] = value; for (const c of listeners['change:' + name] ?? []) c(); },
};
const el = document.getElementById('out');
window.cleanup = widget.render({ model: window.model, el });
window.el = el;
</script></body></html>`;

let server;
let url;
const pages = [];

before(async () => {
  server = createServer((request, response) => {
    if (request.url === '/board-widget.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(readFileSync(BUNDLE));
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(PAGE);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
});

after(async () => {
  for (const browser of pages) await browser.close();
  server?.close();
});

/** A cluster in the engine: three zones, tasks of two groups, and a Fargate task. */
function engineLayout() {
  const sim = new Simulation({ seed: 4 });
  const ecs = sim.client('ecs');
  ecs.createCluster({ clusterName: 'shop', capacityProviders: ['FARGATE'] });
  for (const zone of ['a', 'b', 'c']) {
    for (let i = 0; i < 2; i++) ecs.registerContainerInstance({ cluster: 'shop', instanceType: 'm5.large', availabilityZone: `us-east-1${zone}` });
  }
  ecs.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', cpu: 512, memory: 1024 }] });
  ecs.registerTaskDefinition({ family: 'batch', containerDefinitions: [{ name: 'job', image: 'busybox', cpu: 256, memory: 512 }] });
  ecs.runTask({ cluster: 'shop', taskDefinition: 'web', count: 6 });
  ecs.runTask({ cluster: 'shop', taskDefinition: 'batch', count: 4 });
  ecs.registerTaskDefinition({ family: 'f', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'f', image: 'x' }] });
  ecs.runTask({ cluster: 'shop', taskDefinition: 'f', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } });
  return { sim, ecs, layout: () => sim.client('ecsim').describeClusterLayout({ cluster: 'shop' }) };
}

test('the committed widget bundle is what the board builds to', () => {
  const out = mkdtempSync(join(tmpdir(), 'ecsim-widget-'));
  try {
    execFileSync(`${WEB}node_modules/.bin/vite`, ['build', '--config', 'vite.widget.config.mjs', '--outDir', out, '--logLevel', 'error'], { cwd: WEB });
    assert.equal(readFileSync(join(out, 'board-widget.js'), 'utf8'), readFileSync(BUNDLE, 'utf8'),
      'bindings-python/python/ecsim/static/board-widget.js is stale: run `npm run build:widget` in web/');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the widget draws the engine layout and follows the next one', async () => {
  const browser = await openPage(url);
  pages.push(browser);
  const { page, problems } = browser;
  await page.waitForFunction(() => window.el?.board);
  const { sim, ecs, layout } = engineLayout();
  const first = layout();
  await page.evaluate((l) => window.model.send('layout', l), first);
  await page.waitForTimeout(600);
  const drawn = await page.evaluate(() => window.el.board.summary());
  assert.deepEqual(drawn.zones.map((z) => z.zone), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  assert.equal(drawn.instances.length, 6);
  const perInstance = first.instances.map(() => 0);
  for (const i of first.tasks.instance) if (i >= 0) perInstance[i]++;
  assert.deepEqual(drawn.instances.map((i) => i.tasks), drawn.instances.map((i) => perInstance[first.instances.findIndex((x) => x.containerInstanceArn === i.arn)]));
  assert.equal(drawn.zones.reduce((n, z) => n + z.fargateTasks, 0), 1);
  await page.screenshot({ path: new URL('widget.png', ARTIFACTS).pathname });
  // A notebook cell stops the batch tasks and advances: the widget is sent the new layout.
  for (const [row, group] of first.tasks.group.entries()) {
    if (group === 'family:batch') ecs.stopTask({ cluster: 'shop', task: first.tasks.taskArn[row] });
  }
  sim.advance(120);
  const next = layout();
  await page.evaluate((l) => window.model.send('layout', l), next);
  await page.waitForTimeout(300);
  const redrawn = await page.evaluate(() => window.el.board.summary());
  assert.equal(redrawn.instances.reduce((n, i) => n + i.tasks, 0), next.tasks.instance.filter((i) => i >= 0).length);
  assert.equal(redrawn.instances.reduce((n, i) => n + i.tasks, 0), 6);
  // The height follows the model; cleanup stops following.
  await page.evaluate(() => window.model.send('height', 200));
  assert.equal(await page.evaluate(() => window.el.querySelector('canvas').style.height), '200px');
  assert.deepEqual(problems, []);
});
