import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openPage } from './browser.mjs';
import { startPreview } from './server.mjs';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
let server;
let browser;

before(async () => {
  server = await startPreview(Number(process.env.PLAYGROUND_TEST_PORT ?? 4179));
  browser = await openPage(server.url);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the default scenario loads and is valid', async () => {
  const { page } = browser;
  await page.waitForSelector('#status[data-state="ok"]', { timeout: 15000 });
  assert.match(await page.textContent('#diagnostics'), /No problems/);
  assert.match(await page.inputValue('#editor'), /"family": "web"/);
});

test('typing an invalid task definition shows its diagnostic', async () => {
  const { page } = browser;
  const invalid = {
    family: 'api',
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'api', image: 'my/api', memory: 512, portMappings: [{ containerPort: 8080, hostPort: 80 }] }],
  };
  await page.fill('#editor', JSON.stringify(invalid, null, 2));
  const diagnostic = page.locator('#diagnostics li[data-code="TD301"]');
  await diagnostic.waitFor({ timeout: 5000 });
  assert.match(await diagnostic.textContent(), /\$\.containerDefinitions\[0\]\.portMappings\[0\]\.hostPort/);
  assert.match(await diagnostic.textContent(), /Remove hostPort or set it to 8080/);
  assert.equal(await page.textContent('#status'), '1 problem');

  // Keep typing: the diagnostics follow every keystroke.
  await page.focus('#editor');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(',');
  await page.waitForSelector('#status[data-state="problems"]:has-text("not JSON")', { timeout: 5000 });
  await page.keyboard.press('Backspace');
  await diagnostic.waitFor({ timeout: 5000 });
});

test('an example with a bad Fargate size names the nearest valid memory', async () => {
  const { page } = browser;
  await page.selectOption('#preset', { label: 'Fargate size that does not exist' });
  const diagnostic = page.locator('#diagnostics li[data-code="TD203"]');
  await diagnostic.waitFor({ timeout: 5000 });
  assert.match(await diagnostic.textContent(), /nearest: 16384/);
  await page.selectOption('#preset', { index: 0 });
  await page.waitForSelector('#status[data-state="ok"]', { timeout: 5000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL('playground.png', ARTIFACTS).pathname, fullPage: true });
});


test('the security toggle adds Security Hub findings', async () => {
  const { page } = browser;
  await page.selectOption('#preset', { label: 'CloudFormation shape with intrinsics' });
  await page.locator('#diagnostics li[data-code="TD501"]').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('#diagnostics li[data-code="SEC002"]').count(), 0);
  await page.check('#security');
  await page.locator('#diagnostics li[data-code="SEC002"]').waitFor({ timeout: 5000 });
  assert.match(await page.textContent('#diagnostics li[data-code="TD501"]'), /\$\.ContainerDefinitions\[0\]\.Privileged/);
  await page.screenshot({ path: new URL('playground-security.png', ARTIFACTS).pathname, fullPage: true });
  await page.uncheck('#security');
  await page.selectOption('#preset', { index: 0 });
});

test('no page errors and no console errors', () => {
  assert.deepEqual(browser.problems, []);
});
