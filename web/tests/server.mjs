// Serves the built playground (vite preview) on 127.0.0.1 for the duration of a test run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));

export async function startPreview(port) {
  const child = spawn(`${WEB}node_modules/.bin/vite`, ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: WEB,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(url)).ok) return { url, stop: () => child.kill() };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`vite preview did not answer on ${url}`);
}
