// Share links: `#v1.<deflate-raw, base64url of {"s": scenario, "t": seconds}>`. The prefix names
// the link format, so links made today keep opening when it changes: add a decoder, keep this one.
// Members equal to the scenario format's defaults are left out of links to keep them short.
import type { Scenario } from './scenario';

export interface Shared { scenario: Scenario; time: number }

const PREFIX = 'v1.';

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** The scenario without the members the format defaults: a fleet count of 1, empty lists and maps. */
export function withoutDefaults(scenario: Scenario): Scenario {
  const compact: Scenario = { ...scenario };
  if (compact.cluster === 'default') delete compact.cluster;
  for (const key of ['fleet', 'taskDefinitions', 'steps'] as const) {
    if (compact[key]?.length === 0) delete compact[key];
  }
  if (compact.fleet) {
    compact.fleet = compact.fleet.map((group) => {
      const g = { ...group };
      if (g.count === 1) delete g.count;
      if (g.attributes && Object.keys(g.attributes).length === 0) delete g.attributes;
      return g;
    });
  }
  return compact;
}

export async function encodeShare(shared: Shared): Promise<string> {
  const json = JSON.stringify({ s: withoutDefaults(shared.scenario), t: shared.time });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  return `#${PREFIX}${toBase64Url(packed)}`;
}

/** Reads a link's fragment; null when it holds none, an Error naming what is wrong when it is malformed. */
export async function decodeShare(hash: string): Promise<Shared | null | Error> {
  const fragment = hash.replace(/^#/, '');
  if (!fragment) return null;
  if (!fragment.startsWith(PREFIX)) return new Error(`This link's format (${fragment.slice(0, 8)}…) is not one this playground reads.`);
  try {
    const json = new TextDecoder().decode(await pipe(fromBase64Url(fragment.slice(PREFIX.length)), new DecompressionStream('deflate-raw')));
    const value = JSON.parse(json) as { s?: unknown; t?: unknown };
    if (typeof value !== 'object' || value === null || typeof value.s !== 'object' || value.s === null) {
      return new Error('The link holds no scenario.');
    }
    const time = typeof value.t === 'number' && Number.isFinite(value.t) && value.t >= 0 ? value.t : 0;
    return { scenario: value.s as Scenario, time };
  } catch (error) {
    return new Error(`The link is damaged: ${(error as Error).message}`);
  }
}
