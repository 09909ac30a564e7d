// The first view, drawn before the engine has loaded. `npm run build` plays the default scenario
// through the same WASM engine (scripts/record-first-view.mjs) and keeps every state it passed
// through: a keyframe at each moment the state changed. Between two keyframes the engine's answer
// is the earlier one with the clock moved on, so the page can play the opening of the default
// scenario from this file while the engine's WASM downloads, then hands over to the engine at
// the same moment (engine/client.ts). A browser test checks these answers against the engine's.
import type { EngineState } from './protocol';

export interface FirstView {
  /** The scenario played, as JSON text: a recording answers only for exactly this scenario. */
  scenario: string;
  /** Seconds after the start that the recording covers. */
  until: number;
  /** The state at the start, then at each moment it changed, in time order. */
  keyframes: EngineState[];
}

/** The engine's state at `time` (seconds since the epoch), or null outside the recording. */
export function stateAt(view: FirstView, time: number): EngineState | null {
  const start = view.keyframes[0]?.start;
  if (start === undefined || time < start || time > start + view.until) return null;
  let keyframe = view.keyframes[0];
  for (const next of view.keyframes) {
    if (next.time > time) break;
    keyframe = next;
  }
  return { ...keyframe, time, horizon: Math.max(keyframe.horizon, time), layout: { ...keyframe.layout, time } };
}

/** A state without its clock: equal for two moments between which nothing happened. */
export function withoutClock(state: EngineState): string {
  return JSON.stringify({ ...state, time: 0, horizon: 0, layout: { ...state.layout, time: 0 } });
}
