// The engine's Web Worker: the WASM simulation runs here, off the page's thread, and answers each
// request with the state the page draws.
import init, * as wasm from '../../pkg/ecsim_wasm.js';
import { makeApi } from '../../../bindings-node/lib/api.js';
import type { Request, Response } from './protocol';
import { Timeline } from './timeline';

const ready = init().then(() => makeApi(wasm));
// The page answers from the first view's recording until it hears this (engine/client.ts).
void ready.then(() => (self as unknown as Worker).postMessage({ ready: true }));
// The time zone database is not part of the first load: fetched once the engine is up, and
// installed before any request other than the first scenario is handled.
const zones = ready.then(async (api) => {
  const response = await fetch(new URL(`${import.meta.env.BASE_URL}tzdb.bin`, self.location.origin));
  api.installTimeZones(new Uint8Array(await response.arrayBuffer()));
});
let firstLoad = true;
let timeline: Timeline | undefined;

function handle(api: ReturnType<typeof makeApi>, request: Request): Response {
  switch (request.type) {
    case 'load':
      timeline = new Timeline(api, request.scenario);
      timeline.advanceTo(timeline.start + (request.time ?? 0));
      return { type: 'state', state: timeline.state() };
    case 'validate':
      try {
        return { type: 'validate', diagnostics: api.validateTaskDefinitionText(request.text, { security: request.security }) };
      } catch (error) {
        return { type: 'validate', diagnostics: [], error: (error as Error).message };
      }
    case 'catalog':
      return { type: 'catalog', types: api.instanceTypes() };
  }
  if (!timeline) return { type: 'error', message: 'No scenario is loaded.' };
  switch (request.type) {
    case 'advance':
      timeline.advanceTo(timeline.now + request.seconds);
      break;
    case 'seek':
      timeline.seek(request.time);
      break;
    case 'act':
      timeline.act(request.service, request.action, request.input);
      break;
    case 'export':
      return { type: 'export', scenario: timeline.currentScenario(), fullScenario: timeline.fullScenario(), time: timeline.now - timeline.start };
    case 'scaling':
      return { type: 'scaling', chart: timeline.scaling() };
    case 'resolve':
      return { type: 'resolve', answer: timeline.resolve(request.name, request.recordType), names: timeline.dnsNames() };
    case 'query':
      if (!request.expression.trim()) return { type: 'query', matches: [] };
      try {
        return { type: 'query', matches: timeline.query(request.expression) };
      } catch (error) {
        return { type: 'query', matches: [], error: (error as Error).message };
      }
  }
  return { type: 'state', state: timeline.state() };
}

function answer(api: ReturnType<typeof makeApi>, request: Request): Response {
  try {
    return handle(api, request);
  } catch (error) {
    return { type: 'error', message: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

self.onmessage = async (event: MessageEvent<{ id: number; request: Request }>) => {
  const api = await ready;
  const { id, request } = event.data;
  // The first scenario is loaded without waiting for the zones; should it name one, it is loaded
  // again once they are installed.
  const early = request.type === 'catalog' || (request.type === 'load' && firstLoad);
  if (request.type === 'load') firstLoad = false;
  if (!early) await zones;
  let response = answer(api, request);
  if (early && response.type === 'error') {
    await zones;
    response = answer(api, request);
  }
  (self as unknown as Worker).postMessage({ id, response });
};
