// Which engine the package runs on: the napi addon built for this platform, or, where it cannot
// load (another platform, a missing binary), the WASM build, loaded synchronously so that every
// call stays synchronous either way. ECSIM_BACKEND=native or =wasm forces one (docs/node.md).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as wasm from '../wasm/ecsim_wasm.js';

const require = createRequire(import.meta.url);
const wanted = process.env.ECSIM_BACKEND ?? 'auto';
if (!['auto', 'native', 'wasm'].includes(wanted)) {
  throw new Error(`ECSIM_BACKEND=${wanted}: use native, wasm or auto`);
}

function loadNative() {
  try {
    return { engine: require('../native.cjs'), reason: undefined };
  } catch (error) {
    if (wanted === 'native') throw error;
    return { engine: undefined, reason: error };
  }
}

function loadWasm() {
  wasm.initSync({ module: readFileSync(new URL('../wasm/ecsim_wasm_bg.wasm', import.meta.url)) });
  // The WASM build carries no time zone database; the package ships it beside the module.
  const installed = wasm.installTimeZones(readFileSync(new URL('../wasm/tzdb.bin', import.meta.url)));
  if (installed.error) throw new Error(`ecsim's WASM build could not install wasm/tzdb.bin: ${installed.error.message}`);
  return wasm;
}

const native = wanted === 'wasm' ? { engine: undefined, reason: undefined } : loadNative();

/** The engine's module, napi or WASM: both export the same functions. */
export const engine = native.engine ?? loadWasm();
/** 'native' or 'wasm'. */
export const backend = native.engine ? 'native' : 'wasm';
/** Why the native addon did not load, when the WASM build runs instead. */
export const fallbackReason = native.reason;
