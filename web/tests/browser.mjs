// Headless Debian Chromium driven by playwright-core, with the flags this machine needs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Opens `url` in a fresh profile; `problems` collects page errors and console errors as they arrive.
 * `prepare(context)` runs before the page is opened (to hold back or watch requests).
 */
export async function openPage(url, prepare = async () => undefined) {
  const profile = mkdtempSync(join(tmpdir(), 'ecsim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 860 },
  });
  await prepare(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (error) => {
    problems.push(`pageerror: ${error.message}`);
    console.error('pageerror:', error.message);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console: ${message.text()}`);
      console.error('console error:', message.text());
    }
  });
  await page.goto(url);
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { page, problems, close };
}
