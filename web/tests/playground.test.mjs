// The playground in headless Chromium: every feature against what the engine answered.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { openPage } from './browser.mjs';
import { startPreview } from './server.mjs';

const ARTIFACTS = new URL('../../artifacts/playground/', import.meta.url);
mkdirSync(ARTIFACTS, { recursive: true });
let server;
const pages = [];

async function open(suffix = '?paused') {
  const browser = await openPage(`${server.url}${suffix}`);
  pages.push(browser);
  await browser.page.waitForFunction(() => window.playground?.state()?.layout, null, { timeout: 30000 });
  return browser;
}

const shot = (page, name) => page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname });
const state = (page) => page.evaluate(() => window.playground.state());
const summary = (page) => page.evaluate(() => window.playground.board.summary());

/** A share link for a scenario, made the way the page makes them (deflate-raw, base64url, v1). */
function shareLink(scenario, time = 0) {
  const packed = deflateRawSync(Buffer.from(JSON.stringify({ s: scenario, t: time })));
  return `#v1.${packed.toString('base64url')}`;
}

/** Tasks per instance, as the engine's layout says. */
function tasksPerInstance(layout) {
  const counts = layout.instances.map(() => 0);
  for (const i of layout.tasks.instance) if (i >= 0) counts[i]++;
  return new Map(layout.instances.map((instance, i) => [instance.containerInstanceArn, counts[i]]));
}

async function advance(page, seconds) {
  const before = (await state(page)).time;
  await page.evaluate((s) => window.playground.run({ type: 'advance', seconds: s }), seconds);
  assert.equal((await state(page)).time, before + seconds);
}

before(async () => {
  server = await startPreview(Number(process.env.PLAYGROUND_TEST_PORT ?? 4179));
});

after(async () => {
  for (const browser of pages) await browser.close();
  server?.stop();
});

test('the default scenario plays: tasks land on the board where the engine placed them', async () => {
  const { page } = await open('');
  await page.waitForFunction(() => window.playground.state().layout.tasks.taskArn.length >= 9, null, { timeout: 20000 });
  await page.click('#play');
  const { layout, scenario } = await state(page);
  assert.equal(scenario.name, 'A web tier across three zones');
  const drawn = await summary(page);
  assert.deepEqual(drawn.zones.map((z) => z.zone), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  assert.equal(drawn.instances.length, layout.instances.length);
  const engine = tasksPerInstance(layout);
  for (const box of drawn.instances) assert.equal(box.tasks, engine.get(box.arn), box.arn);
  // The web service spreads over the three zones: three tasks in each.
  const perZone = {};
  layout.tasks.group.forEach((group, row) => {
    if (group === 'service:web') perZone[layout.tasks.availabilityZone[row]] = (perZone[layout.tasks.availabilityZone[row]] ?? 0) + 1;
  });
  assert.deepEqual(perZone, { 'us-east-1a': 3, 'us-east-1b': 3, 'us-east-1c': 3 });
  assert.match(await page.textContent('#log'), /has started 9 tasks/);
  await shot(page, 'default-scenario');
});

test('a query lights the instances it matches, and a parser error shows in place', async () => {
  const { page } = await open();
  const query = page.locator('.board-bar input.query');
  await query.fill('attribute:tier == jobs');
  await page.waitForSelector('.board-bar .query-status[data-state=ok]');
  const { layout } = await state(page);
  const expected = layout.instances.filter((i) => i.attributes.tier === 'jobs').map((i) => i.containerInstanceArn).sort();
  assert.equal(expected.length, 2);
  const lit = (await summary(page)).instances.filter((b) => b.highlighted).map((b) => b.arn).sort();
  assert.deepEqual(lit, expected);
  assert.equal(await page.textContent('.board-bar .query-status'), '2 instances match');
  await shot(page, 'query');

  await query.fill('attribute:tier ==');
  await page.waitForSelector('.board-bar .query-status[data-state=error]');
  assert.match(await page.textContent('.board-bar .query-status'), /filter/);
  assert.equal(await query.getAttribute('aria-invalid'), 'true');
  await query.fill('');
  await page.waitForFunction(() => !window.playground.board.summary().instances.some((b) => b.highlighted));
});

test('run tasks with a strategy: the board shows them, the inspector explains each decision', async () => {
  const { page } = await open();
  const before = (await state(page)).layout.tasks.taskArn.length;
  await page.selectOption('#family', 'worker');
  await page.fill('#task-count', '2');
  await page.click('#run-tasks');
  await page.waitForFunction((n) => window.playground.state().layout.tasks.taskArn.length === n + 2, before);
  const { layout, explanations, log } = await state(page);
  assert.equal(explanations.length, 2);
  assert.match(log.at(-1).text, /^placed 2 tasks/);
  const chosen = explanations[0].containerInstanceArn;
  const box = (await summary(page)).instances.find((b) => b.arn === chosen);
  assert.equal(box.tasks, tasksPerInstance(layout).get(chosen));
  await page.mouse.click(box.x + box.w / 2 + (await page.locator('#board').boundingBox()).x, box.y + box.h / 2 + (await page.locator('#board').boundingBox()).y);
  await page.waitForSelector('#inspector .verdict');
  assert.equal(await page.locator('#inspector .verdict').count(), 2);
  assert.match(await page.textContent('#inspector .verdict.placed'), /placed here/);
  assert.match(await page.textContent('#inspector h3'), /m6i|c6i/);
  await shot(page, 'run-tasks-explained');
});

test('play, pause, step and scrub the clock', async () => {
  const { page } = await open('');
  await page.waitForFunction(() => window.playground.state().time - window.playground.state().start > 30, null, { timeout: 20000 });
  await page.click('#play');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'false');
  // A step already on its way when the button was pressed still lands; nothing after it.
  await page.waitForTimeout(300);
  const paused = await state(page);
  await page.waitForTimeout(300);
  assert.equal((await state(page)).time, paused.time, 'the clock stays paused');
  await page.click('#step');
  await page.waitForFunction((t) => window.playground.state().time === t + 10, paused.time);
  const later = await state(page);

  // Back to the start: nothing placed yet (the service is created 5 s in).
  await page.evaluate(() => {
    const scrub = document.querySelector('#scrub');
    scrub.value = '0';
    scrub.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction((start) => window.playground.state().time === start, later.start);
  assert.equal((await state(page)).layout.tasks.taskArn.length, 0);
  // And forward again: the same tasks as before.
  await page.evaluate((to) => window.playground.run({ type: 'seek', time: to }), later.time);
  const again = await state(page);
  assert.deepEqual(again.layout.tasks.taskArn, later.layout.tasks.taskArn);
  assert.deepEqual(again.layout.tasks.lastStatus, later.layout.tasks.lastStatus);
});

test('time zones arrive after the first view: a rule in Europe/Paris is accepted', async () => {
  const { page } = await open();
  await page.evaluate(() => window.playground.run({ type: 'act', service: 'events', action: 'PutRule',
    input: { Name: 'nightly', ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris' } }));
  const { log } = await state(page);
  assert.equal(log.at(-1).text, 'PutRule');
  assert.equal(log.filter((e) => e.kind === 'error').length, 0);
});

test('a deployment and a fault, seen on the board and in the log', async () => {
  const { page } = await open();
  await advance(page, 120);
  await page.click('[data-service=web] button.deploy');
  await page.waitForFunction(() => window.playground.state().services[0].deployments.length === 2);
  assert.equal(await page.locator('[data-service=web] .deployment').count(), 2);
  await advance(page, 300);
  const deployed = await state(page);
  assert.equal(deployed.services[0].deployments.length, 1);
  assert.match(deployed.log.map((e) => e.text).join('\n'), /deployment completed/);

  // Terminate the busiest web instance: its tasks stop and the service replaces them elsewhere.
  const counts = tasksPerInstance(deployed.layout);
  const [victim] = [...counts].sort((a, b) => b[1] - a[1])[0];
  const box = (await summary(page)).instances.find((b) => b.arn === victim);
  const canvas = await page.locator('#board').boundingBox();
  await page.mouse.click(canvas.x + box.x + box.w / 2, canvas.y + box.y + box.h / 2);
  await page.click('#kill');
  await page.waitForFunction((arn) => !window.playground.state().layout.instances.some((i) => i.containerInstanceArn === arn && i.status === 'ACTIVE'), victim);
  await advance(page, 120);
  const healed = await state(page);
  assert.ok(healed.log.some((e) => e.kind === 'fault' && /KillInstance/.test(e.text)));
  assert.equal(healed.services[0].runningCount, healed.services[0].desiredCount);
  assert.ok(!healed.layout.tasks.instance.some((i) => healed.layout.instances[i]?.containerInstanceArn === victim));
  await shot(page, 'fault-healed');
});

test('a Fargate-only cluster: tasks in the zones\' Fargate lanes, and a Spot interruption', async () => {
  const { page } = await open();
  await page.selectOption('#preset', 'fargate');
  await page.waitForFunction(() => window.playground.state().scenario.name === 'A Fargate-only cluster');
  await advance(page, 60);
  const { layout, services } = await state(page);
  assert.equal(layout.instances.length, 0);
  assert.equal(services[0].runningCount, 8);
  const lanes = (await summary(page)).zones;
  assert.deepEqual(lanes.map((z) => z.zone), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  assert.equal(lanes.reduce((n, z) => n + z.fargateTasks, 0), 8);
  const spot = layout.tasks.capacityProviderName.filter((c) => c === 'FARGATE_SPOT').length;
  assert.ok(spot > 0);
  await page.click('#interrupt');
  await page.waitForFunction(() => window.playground.state().log.some((e) => /InterruptSpotTask/.test(e.text)));
  await shot(page, 'fargate-spot');
  await advance(page, 180);
  const after = await state(page);
  assert.equal(after.services[0].runningCount, 8);
  assert.match(after.log.map((e) => e.text).join('\n'), /has started 1 tasks/);
});

test('cluster auto scaling from zero: tasks wait, the group launches instances with its reasons, the tasks land', async () => {
  const { page } = await open();
  await page.selectOption('#preset', 'capacity');
  await page.waitForFunction(() => window.playground.state().scenario.name === 'Cluster auto scaling from zero');
  await advance(page, 30);
  const waiting = await state(page);
  assert.equal(waiting.layout.instances.length, 0);
  assert.equal(waiting.layout.tasks.lastStatus.filter((s) => s === 'PROVISIONING').length, 20);
  const lanes = (await summary(page)).zones;
  assert.deepEqual(lanes.map((z) => [z.zone, z.fargateTasks]), [['waiting for capacity', 20]]);
  await shot(page, 'capacity-waiting');
  // A minute of 200 % (no instance, tasks waiting): the alarm takes the group to two.
  await advance(page, 150);
  const launched = await state(page);
  const activities = launched.log.filter((e) => e.kind === 'capacity' && /^Launching/.test(e.text)).map((e) => e.text);
  assert.equal(activities.length, 2);
  assert.ok(launched.log.some((e) => e.text === "10 tasks PROVISIONING, waiting for batch's instances"));
  assert.match(activities[0], /^Launching a new EC2 instance: i-[0-9a-f]{17}\. At .* \(CapacityProviderReservation 200 % against a target of 100 %: 0 instances, 5 needed \(0 with tasks, 20 tasks PROVISIONING, estimate 5 more\)/);
  assert.equal(launched.layout.instances.length, 2);
  assert.equal(launched.layout.tasks.lastStatus.filter((s) => s === 'PROVISIONING').length, 12);
  // After the warm-up, the estimate for the twelve left: three more instances, and every job runs.
  await advance(page, 600);
  const done = await state(page);
  assert.equal(done.layout.instances.length, 5);
  assert.equal(done.layout.tasks.lastStatus.filter((s) => s === 'RUNNING').length, 20);
  assert.deepEqual((await summary(page)).zones.map((z) => z.zone), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  await page.waitForFunction(() => document.querySelectorAll('#log .entry.capacity').length === 7);
  // An activity lights up the instance it launched.
  await page.click('#log .entry.capacity >> text=/^Launching/');
  await page.waitForFunction(() => window.playground.board.summary().instances.filter((i) => i.highlighted).length === 1);
  await shot(page, 'capacity-scaled');
});

test('the discovery panel: DNS answers for the Cloud Map service, following its tasks', async () => {
  const { page } = await open();
  await page.selectOption('#preset', 'fargate');
  await page.waitForFunction(() => window.playground.state().scenario.name === 'A Fargate-only cluster');
  await page.click('[data-tab=discovery]');
  await page.waitForFunction(() => document.querySelector('#dns-name')?.value === 'api.internal');
  await page.waitForFunction(() => document.querySelector('#dns-answer .rcode')?.dataset.rcode === 'NOERROR');
  assert.equal(await page.locator('#dns-answer table.records.answer tr').count(), 0, 'no task runs yet');
  await advance(page, 60);
  // 8 tasks RUNNING: MULTIVALUE answers 8 records, the addresses of tasks on the board.
  await page.waitForFunction(() => document.querySelectorAll('#dns-answer table.records.answer tr').length === 8);
  const answered = await page.locator('#dns-answer table.records.answer tr td:nth-child(4)').allTextContents();
  assert.equal(new Set(answered).size, 8);
  assert.ok(answered.every((ip) => /^10\.\d+\.\d+\.\d+$/.test(ip)));
  await page.fill('#dns-name', 'nothing.internal');
  await page.waitForFunction(() => document.querySelector('#dns-answer .rcode')?.dataset.rcode === 'NXDOMAIN');
  await shot(page, 'discovery');
});

test('an image that turns unhealthy: its tasks fail their health checks and are replaced', async () => {
  const { page } = await open();
  await advance(page, 90);
  await page.selectOption('#image', 'public.ecr.aws/nginx/nginx:1.27');
  await page.fill('#unhealthy-after', '30');
  await page.click('#put-image');
  await page.waitForFunction(() => window.playground.state().log.some((e) => /PutImage/.test(e.text)));
  await page.click('[data-service=web] button.deploy');
  await advance(page, 200);
  const { log, services, layout } = await state(page);
  const text = log.map((e) => e.text).join('\n');
  // ECS stops a task whose essential container fails its health checks, and the service replaces it.
  assert.match(text, /failed container health checks/);
  const failed = [...text.matchAll(/\(task ([0-9a-f]+)\) failed container health checks/g)].map((m) => m[1]);
  assert.ok(failed.length > 0);
  assert.ok(!layout.tasks.taskArn.some((arn) => failed.some((id) => arn.endsWith(id)) && layout.tasks.lastStatus[layout.tasks.taskArn.indexOf(arn)] === 'RUNNING'));
  assert.ok(services[0].runningCount + services[0].pendingCount > 0);
  await shot(page, 'unhealthy');
});

test('Fargate capacity from the builder, and a service placed on it from the panel', async () => {
  const { page } = await open();
  await page.selectOption('#preset', 'fargate');
  await page.waitForFunction(() => window.playground.state().scenario.name === 'A Fargate-only cluster');
  await page.click('[data-tab=cluster]');
  assert.equal(await page.isChecked('#cp-fargate'), true);
  assert.equal(await page.isChecked('#cp-spot'), true);
  await page.uncheck('#cp-spot');
  await page.click('#build');
  await page.waitForFunction(() => !JSON.stringify(window.playground.state().scenario.steps).includes('FARGATE_SPOT'));
  await page.click('[data-tab=place]');
  await page.selectOption('#family', 'api');
  await page.fill('#service-name', 'api2');
  await page.fill('#task-count', '4');
  await page.click('#create-service');
  await page.waitForFunction(() => window.playground.state().services.some((s) => s.serviceName === 'api2'));
  await advance(page, 60);
  const { services, layout } = await state(page);
  assert.equal(services.find((s) => s.serviceName === 'api2').runningCount, 4);
  assert.ok(layout.tasks.capacityProviderName.every((c) => c === 'FARGATE'));
  assert.equal((await summary(page)).zones.reduce((n, z) => n + z.fargateTasks, 0), 4);
});

test('build a cluster: the board redraws with the new fleet', async () => {
  const { page } = await open();
  await page.click('[data-tab=cluster]');
  await page.locator('#tab-cluster .fleet-row .count').first().fill('5');
  await page.click('#build');
  await page.waitForFunction(() => window.playground.state().layout.instances.length === 13);
  const { layout } = await state(page);
  assert.equal(layout.instances.filter((i) => i.availabilityZone === 'us-east-1a').length, 6);
  assert.equal((await summary(page)).instances.length, 13);
  await shot(page, 'built-cluster');
});

test('a share link opens the same simulation at the same moment', async () => {
  const { page } = await open();
  await advance(page, 90);
  await page.selectOption('#family', 'worker');
  await page.fill('#task-count', '3');
  await page.click('#run-tasks');
  await page.waitForFunction(() => window.playground.state().explanations.length === 3);
  await page.click('#share');
  await page.waitForFunction(() => location.hash.startsWith('#v1.'));
  const link = await page.evaluate(() => location.href);
  const original = await state(page);
  const { page: second } = await open(link.slice(server.url.length));
  const shared = await state(second);
  assert.equal(shared.time, original.time);
  assert.deepEqual(shared.layout.tasks.taskArn, original.layout.tasks.taskArn);
  assert.deepEqual(shared.layout.instances.map((i) => i.containerInstanceArn), original.layout.instances.map((i) => i.containerInstanceArn));
  assert.equal(await second.locator('#banner').isVisible(), false);
});

test('a malformed link shows an error and the default scenario', async () => {
  for (const [hash, words] of [['#v1.@@not-base64@@', /damaged/], ['#v7.abc', /not one this playground reads/], [shareLink({ version: 1, fleets: [] }), /cannot be loaded/]]) {
    const { page } = await open(`?paused${hash}`);
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await page.textContent('#banner'), words);
    assert.equal((await state(page)).scenario.name, 'A web tier across three zones');
  }
});

test('hostile text is drawn as text: attributes, and an error that quotes the input', async () => {
  const hostile = '<img src=x onerror="window.__pwned=1">';
  // ECS refuses markup in attribute values; the engine's error quotes it, and the page shows that.
  const refused = { version: 1, cluster: 'safe', fleet: [{ instanceType: 'm6i.large', availabilityZone: 'us-east-1a', attributes: { team: hostile } }] };
  const { page } = await open(`?paused${shareLink(refused)}`);
  await page.waitForSelector('#banner:not([hidden])');
  assert.ok((await page.textContent('#banner')).includes(hostile));
  // A step with a member named in markup: the log quotes it as text.
  await page.evaluate((name) => window.playground.run({ type: 'act', service: 'ecs', action: 'ListClusters', input: { [name]: 1 } }), hostile);
  await page.waitForFunction(() => window.playground.state().log.some((e) => e.kind === 'error'));
  assert.ok((await page.textContent('#log')).includes(hostile));
  // Attributes ECS allows are drawn in the inspector as they are.
  const allowed = { version: 1, cluster: 'safe', fleet: [{ instanceType: 'm6i.large', availabilityZone: 'us-east-1a', attributes: { team: 'a/b @c:d' } }] };
  const { page: second } = await open(`?paused${shareLink(allowed)}`);
  const box = (await summary(second)).instances[0];
  const canvas = await second.locator('#board').boundingBox();
  await second.mouse.click(canvas.x + box.x + box.w / 2, canvas.y + box.y + box.h / 2);
  await second.waitForSelector('#inspector dd');
  assert.ok((await second.locator('#inspector dd').allTextContents()).includes('a/b @c:d'));
  for (const p of [page, second]) {
    assert.equal(await p.locator('img').count(), 0);
    assert.equal(await p.evaluate(() => window.__pwned), undefined);
  }
});

test('the task definition editor: diagnostics in place and a quick fix', async () => {
  const { page } = await open();
  await page.click('[data-tab=taskdefs]');
  await page.waitForSelector('#tab-taskdefs .cm-editor');
  await page.waitForSelector('#diagnostics li.clean');
  const invalid = {
    family: 'api',
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'api', image: 'my/api', memory: 512, portMappings: [{ containerPort: 8080, hostPort: 80 }] }],
  };
  await page.evaluate((text) => window.playground.editor().text = text, JSON.stringify(invalid, null, 2));
  const diagnostic = page.locator('#diagnostics li[data-code="TD301"]');
  await diagnostic.waitFor();
  assert.match(await diagnostic.textContent(), /line 12/);
  await page.waitForSelector('#tab-taskdefs .cm-lintRange-error');
  await shot(page, 'editor-diagnostic');
  await diagnostic.locator('button.quick-fix').click();
  await page.waitForSelector('#diagnostics li.clean');
  assert.match(await page.evaluate(() => window.playground.editor().text), /"hostPort": 8080/);

  // Registering the edit makes a new revision, now.
  await page.click('#register');
  await page.waitForFunction(() => window.playground.state().log.some((e) => /RegisterTaskDefinition/.test(e.text)));
});

test('no page errors and no console errors', () => {
  for (const browser of pages) assert.deepEqual(browser.problems, []);
});
