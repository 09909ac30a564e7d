// Records the first view (see first-view.ts) at build time: plays `scenario` through the engine
// and keeps a keyframe at every moment its state changes. Not part of the page's bundle.
import type { Scenario } from '../scenario/scenario';
import { type FirstView, withoutClock } from './first-view';
import { Timeline } from './timeline';

/** A change is placed to within this many seconds (the clock's own resolution near 2026 is 2.4e-7). */
const PRECISION = 1e-6;

/* eslint-disable @typescript-eslint/no-explicit-any */
export function recordFirstView(api: any, scenario: Scenario, seconds: number): FirstView {
  const timeline = new Timeline(api, scenario);
  const stateAt = (time: number) => {
    timeline.seek(time);
    return timeline.state();
  };
  const keyframes = [timeline.state()];
  let last = withoutClock(keyframes[0]);
  const changed = (time: number) => withoutClock(stateAt(time)) !== last;
  const end = timeline.start + seconds;
  for (let from = timeline.start; from < end; ) {
    const to = Math.min(end, from + 1);
    if (!changed(to)) {
      from = to;
      continue;
    }
    // The first moment in (from, to] whose state differs from the last keyframe.
    let [before, after] = [from, to];
    while (after - before > PRECISION) {
      const middle = (before + after) / 2;
      if (changed(middle)) after = middle;
      else before = middle;
    }
    // The engine's moments are mostly whole milliseconds: when the change is already there at the
    // millisecond just found, that is its exact moment.
    const millisecond = Math.round(after * 1000) / 1000;
    if (millisecond > before && millisecond < after && changed(millisecond)) after = millisecond;
    const keyframe = stateAt(after);
    keyframes.push(keyframe);
    last = withoutClock(keyframe);
    from = after;
  }
  return { scenario: JSON.stringify(scenario), until: seconds, keyframes };
}
