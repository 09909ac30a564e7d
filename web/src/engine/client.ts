// The page's side of the engine worker: one request at a time, answered in order.
import type { Request, Response } from './protocol';

export class EngineClient {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private next = 0;
  private readonly pending = new Map<number, (response: Response) => void>();

  constructor() {
    this.worker.onmessage = (event: MessageEvent<{ id: number; response: Response }>) => {
      const resolve = this.pending.get(event.data.id);
      this.pending.delete(event.data.id);
      resolve?.(event.data.response);
    };
  }

  request(request: Request): Promise<Response> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, request });
    });
  }
}
