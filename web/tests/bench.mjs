// The playground's figures for docs/benchmarks.md: bytes per asset, time to the first placement
// on screen, frames per second drawing 1,000 instances and 10,000 tasks, time to scrub back an
// hour. Run after a build: `npm run build && npm run bench`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync, deflateRawSync } from 'node:zlib';
import { openPage } from './browser.mjs';
import { startPreview } from './server.mjs';

const DIST = new URL('../dist/', import.meta.url);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log('## Assets (gzip -9)');
const rows = [];
const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const path = new URL(name, dir);
  return statSync(path).isDirectory() ? walk(new URL(`${name}/`, dir)) : [path];
});
let firstView = 0;
let engine = 0;
for (const path of walk(DIST)) {
  const bytes = readFileSync(path);
  const gz = gzipSync(bytes, { level: 9 }).length;
  const name = path.pathname.slice(DIST.pathname.length);
  // The first view: the page, its script and style, the worker's script and the recording of the
  // default scenario's opening. The engine's WASM is fetched at once beside it and takes over when
  // it is ready; the editor loads with its tab and the time zones after the engine.
  const when = /codemirror|fixes/.test(name) ? 'with the editor' : /tzdb/.test(name) ? 'after the engine' : /\.wasm$/.test(name) ? 'engine, fetched beside the first view' : 'first view';
  if (when === 'first view') firstView += gz;
  if (when === 'first view' || when.startsWith('engine')) engine += gz;
  rows.push(`| ${name} | ${kb(bytes.length)} | ${kb(gz)} | ${when} |`);
}
console.log('| asset | raw | gzip | loaded |\n|---|---|---|---|');
console.log(rows.join('\n'));
console.log(`engine up (first view and the engine): ${kb(engine)} gzipped`);
console.log(`first view total: ${kb(firstView)} gzipped\n`);

const link = (scenario, time) => `?paused#v1.${deflateRawSync(Buffer.from(JSON.stringify({ s: scenario, t: time }))).toString('base64url')}`;
const server = await startPreview(4188);
try {
  // First placement: a cluster of 9 instances and a RunTask at the start.
  const small = {
    version: 1, cluster: 'c', config: { taskTimings: 'instant' },
    fleet: ['a', 'b', 'c'].map((z) => ({ instanceType: 'm6i.large', availabilityZone: `us-east-1${z}`, count: 3 })),
    taskDefinitions: [{ family: 'web', containerDefinitions: [{ name: 'a', image: 'nginx', cpu: 256, memory: 512 }] }],
    steps: [{ service: 'ecs', action: 'RunTask', input: { cluster: 'c', taskDefinition: 'web', count: 10 } }],
  };
  const times = [];
  for (let run = 0; run < 3; run++) {
    const { page, close } = await openPage(`${server.url}${link(small, 1)}`);
    await page.waitForFunction(() => window.playground?.board.summary().instances.some((b) => b.tasks > 0), null, { polling: 'raf', timeout: 30000 });
    times.push(await page.evaluate(() => performance.now()));
    await close();
  }
  console.log(`first placement on screen (navigation start → tasks drawn), 3 cold page loads: ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')}`);

  // The default page: its first view comes from the recording, then the engine takes over.
  const opening = [];
  for (let run = 0; run < 3; run++) {
    const { page, close } = await openPage(`${server.url}?paused`);
    await page.waitForFunction(() => window.playground?.state()?.layout, null, { polling: 'raf', timeout: 30000 });
    const drawn = await page.evaluate(() => performance.now());
    await page.waitForFunction(() => window.playground.live(), null, { polling: 'raf', timeout: 30000 });
    opening.push([drawn, await page.evaluate(() => performance.now())]);
    await close();
  }
  console.log(`default page, 3 cold loads (navigation start → first view drawn / → engine took over): ${opening.map(([a, b]) => `${a.toFixed(0)} / ${b.toFixed(0)} ms`).join(', ')}`);
  // The same over a 10 Mbit/s link with 40 ms of latency (Chromium's network emulation).
  const slow = await openPage(`${server.url}?paused`, async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 });
  });
  await slow.page.waitForFunction(() => window.playground?.state()?.layout, null, { polling: 'raf', timeout: 60000 });
  const slowDrawn = await slow.page.evaluate(() => performance.now());
  await slow.page.waitForFunction(() => window.playground.live(), null, { polling: 'raf', timeout: 60000 });
  console.log(`default page at 10 Mbit/s, 40 ms: first view drawn ${slowDrawn.toFixed(0)} ms, engine took over ${(await slow.page.evaluate(() => performance.now())).toFixed(0)} ms`);
  await slow.close();

  // 1,000 instances and 10,000 tasks.
  const big = {
    version: 1, cluster: 'big', config: { taskTimings: 'instant' },
    fleet: ['a', 'b', 'c', 'd'].map((z) => ({ instanceType: 'm6i.2xlarge', availabilityZone: `us-east-1${z}`, count: 250 })),
    taskDefinitions: [{ family: 'web', containerDefinitions: [{ name: 'a', image: 'nginx', cpu: 512, memory: 1024 }] }],
    steps: [{ service: 'ecsim', action: 'PlaceTasks', input: { cluster: 'big', taskDefinition: 'web', count: 10000, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'cpu' }] } }],
  };
  const { page, close } = await openPage(`${server.url}${link(big, 1)}`);
  const loadStart = Date.now();
  await page.waitForFunction(() => window.playground?.state()?.layout.tasks.taskArn.length === 10000, null, { timeout: 120000 });
  const loaded = Date.now() - loadStart;
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const board = window.playground.board;
    const draws = [];
    const start = performance.now();
    let count = 0;
    const frame = () => {
      const t0 = performance.now();
      board.redraw();
      draws.push(performance.now() - t0);
      count++;
      if (performance.now() - start < 3000) requestAnimationFrame(frame);
      else resolve({ fps: count / ((performance.now() - start) / 1000), mean: draws.reduce((a, b) => a + b, 0) / draws.length, max: Math.max(...draws) });
    };
    requestAnimationFrame(frame);
  }));
  console.log(`1,000 instances / 10,000 tasks: scenario loaded (PlaceTasks 10,000 in the worker) and drawn in ${loaded} ms; redrawing every frame for 3 s: ${frames.fps.toFixed(1)} frames/s, draw ${frames.mean.toFixed(2)} ms mean, ${frames.max.toFixed(2)} ms max`);
  // All 10,000 tasks landing at once: the board animates them growing in.
  const landing = await page.evaluate(() => new Promise((resolve) => {
    const board = window.playground.board;
    const full = window.playground.state().layout;
    const empty = Object.fromEntries(Object.keys(full.tasks).map((k) => [k, []]));
    board.update({ ...full, tasks: empty });
    board.update(full);
    // The board draws each frame itself while tasks grow in; count the frames it managed.
    const before = board.framesDrawn;
    const start = performance.now();
    const frame = () => {
      if (performance.now() - start < 450) requestAnimationFrame(frame);
      else resolve({ fps: (board.framesDrawn - before) / ((performance.now() - start) / 1000) });
    };
    requestAnimationFrame(frame);
  }));
  console.log(`10,000 tasks landing at once (the 0.45 s they grow in, drawn by the board's own animation): ${landing.fps.toFixed(1)} frames/s`);
  await close();

  // Scrub back an hour: the default scenario played for an hour, then back to its first minute.
  const { page: scrub, close: closeScrub } = await openPage(`${server.url}?paused`);
  await scrub.waitForFunction(() => window.playground?.state()?.layout);
  await scrub.evaluate(() => window.playground.run({ type: 'advance', seconds: 3600 }));
  const back = await scrub.evaluate(async () => {
    const { start } = window.playground.state();
    const t0 = performance.now();
    await window.playground.run({ type: 'seek', time: start + 60 });
    return performance.now() - t0;
  });
  const forward = await scrub.evaluate(async () => {
    const { start } = window.playground.state();
    const t0 = performance.now();
    await window.playground.run({ type: 'seek', time: start + 3600 });
    return performance.now() - t0;
  });
  console.log(`scrub back an hour (3,600 s → 60 s, web tier, 17 tasks): ${back.toFixed(1)} ms; and forward again: ${forward.toFixed(1)} ms (both: request, fork, state, drawn)`);
  await closeScrub();
} finally {
  server.stop();
}
