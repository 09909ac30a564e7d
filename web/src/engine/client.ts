// The page's side of the engine worker: one request at a time, answered in order.
//
// Until the worker's WASM has loaded, the opening of the default scenario is answered from the
// build's recording of it (first-view.ts): loading it and playing it forward. The first request the
// recording cannot answer, or the engine becoming ready, hands over: the engine loads the same
// scenario at the same moment, and from then on every request goes to it, in order.
import { type FirstView, stateAt } from './first-view';
import type { Request, Response } from './protocol';

/** Requests whose answers do not depend on the simulation's state. */
const STATELESS = new Set<Request['type']>(['catalog', 'validate']);

export class EngineClient {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private next = 0;
  private readonly pending = new Map<number, (response: Response) => void>();
  private readonly ready: Promise<void>;
  /** While the recording answers: the scenario it plays and the moment the page is at. */
  private recorded: { view: FirstView; scenario: string; time: number } | null = null;
  private handover: Promise<void> | null = null;
  private engineUp = false;

  constructor(private readonly firstView: Promise<FirstView | null> = Promise.resolve(null)) {
    let engineUp = (): void => undefined;
    this.ready = new Promise((resolve) => (engineUp = resolve));
    this.worker.onmessage = (event: MessageEvent<{ id: number; response: Response } | { ready: true }>) => {
      if ('ready' in event.data) {
        this.engineUp = true;
        engineUp();
        if (this.recorded) void this.handOver();
        return;
      }
      const resolve = this.pending.get(event.data.id);
      this.pending.delete(event.data.id);
      resolve?.(event.data.response);
    };
  }

  /** Whether the engine answers now (false while the recording does). */
  get live(): boolean {
    return this.recorded === null;
  }

  async request(request: Request): Promise<Response> {
    if (STATELESS.has(request.type)) return this.send(request);
    const recorded = this.handover ? null : await this.fromRecording(request);
    if (recorded) return recorded;
    await this.handOver();
    return this.send(request);
  }

  private async fromRecording(request: Request): Promise<Response | null> {
    if (request.type === 'load' && !this.recorded && !this.engineUp) {
      const view = await this.firstView;
      const scenario = JSON.stringify(request.scenario);
      // The engine may have come up while the recording was on its way: then it answers.
      if (!view || view.scenario !== scenario || this.engineUp) return null;
      const state = stateAt(view, view.keyframes[0].start + (request.time ?? 0));
      if (!state) return null;
      this.recorded = { view, scenario, time: state.time };
      return { type: 'state', state };
    }
    if (request.type === 'advance' && this.recorded) {
      const state = stateAt(this.recorded.view, this.recorded.time + request.seconds);
      if (!state) return null;
      this.recorded.time = state.time;
      return { type: 'state', state };
    }
    return null;
  }

  /** Moves to the engine, which loads what the recording was showing. Once. */
  private handOver(): Promise<void> {
    this.handover ??= this.ready.then(async () => {
      const recorded = this.recorded;
      this.recorded = null;
      if (!recorded) return;
      const start = recorded.view.keyframes[0].start;
      const scenario = JSON.parse(recorded.scenario) as Extract<Request, { type: 'load' }>['scenario'];
      await this.send({ type: 'load', scenario, time: recorded.time - start });
    });
    return this.handover;
  }

  private send(request: Request): Promise<Response> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, request });
    });
  }
}
