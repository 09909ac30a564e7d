// The scaling panel: for each service, its desired, running and pending tasks and, against them,
// the load that drives auto scaling (the CPU it demands: CloudWatch's CPUUtilization × the CPU of
// the running tasks) with the service's and the cluster's CPU capacity, up to the clock's moment.
import type { ScalingChart } from '../engine/protocol';
import { durationText, h } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 110;
const PAD = { left: 36, right: 6, top: 6, bottom: 16 };

interface Line { label: string; className: string; points: { time: number; value: number }[]; step?: boolean }

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** One chart: lines over [start, end], a dashed level (a target) if given, the y axis from 0. */
function chart(title: string, start: number, end: number, lines: Line[], level?: { label: string; value: number }): HTMLElement {
  const top = Math.max(1, level?.value ?? 0, ...lines.flatMap((l) => l.points.map((p) => p.value))) * 1.1;
  const x = (time: number) => PAD.left + ((time - start) / Math.max(1, end - start)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => HEIGHT - PAD.bottom - (value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': title });
  root.append(
    svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0), class: 'axis' }),
    svg('text', { x: PAD.left - 4, y: y(0), class: 'tick', 'text-anchor': 'end' }, '0'),
    svg('text', { x: PAD.left - 4, y: PAD.top + 8, class: 'tick', 'text-anchor': 'end' }, String(Math.round(top / 1.1))),
    svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 3, class: 'tick', 'text-anchor': 'end' }, `+${durationText(end - start)}`),
  );
  if (level) {
    root.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(level.value), y2: y(level.value), class: 'level' }),
      svg('text', { x: WIDTH - PAD.right, y: y(level.value) - 2, class: 'tick', 'text-anchor': 'end' }, level.label));
  }
  for (const line of lines) {
    const coordinates: string[] = [];
    line.points.forEach((p, i) => {
      // Counts hold until the next sample: drawn as steps.
      if (line.step && i > 0) coordinates.push(`${x(p.time).toFixed(1)},${y(line.points[i - 1].value).toFixed(1)}`);
      coordinates.push(`${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`);
    });
    root.append(svg('polyline', { points: coordinates.join(' '), class: `series ${line.className}`, 'data-series': line.label }));
  }
  const legend = h('div', { class: 'legend' }, ...lines.map((l) => h('span', { class: `key ${l.className}` }, l.label)));
  return h('figure', { class: 'scaling-chart' }, h('figcaption', {}, title), root, legend);
}

export class ScalingPanel {
  private readonly body = h('div', { id: 'scaling-charts', 'aria-live': 'polite' });
  private generation = 0;
  /** The charts last drawn (the browser tests read them). */
  shown: ScalingChart | null = null;

  constructor(root: HTMLElement, private readonly fetch: () => Promise<ScalingChart>) {
    root.replaceChildren(
      h('p', { class: 'hint' }, 'The load that drives auto scaling, and what it did: each service\'s tasks, and the CPU its load demands (CloudWatch\'s CPUUtilization × its running tasks\' CPU) against the CPU of its running tasks and of the cluster. The Auto scaling preset has a load curve and a target tracking policy.'),
      this.body,
    );
  }

  /** Asks again (after every change of the simulation, while the panel is open). */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const data = await this.fetch();
    if (generation !== this.generation) return;
    this.shown = data;
    if (!data.services.length) {
      this.body.replaceChildren(h('p', { class: 'muted' }, 'No service in this scenario yet.'));
      return;
    }
    const end = Math.max(data.time, data.start + 60);
    this.body.replaceChildren(...data.services.flatMap((service) => {
      const counts = (key: 'desired' | 'running' | 'pending') => service.samples.map((s) => ({ time: s.time, value: s[key] }));
      // The CPU demanded in each minute: its average utilization of the CPU held at its start.
      const demand = service.cpuUtilization.map((u) => {
        const held = service.samples.filter((s) => s.time <= u.time).at(-1)?.cpu ?? 0;
        return { time: u.time, value: (u.value * held) / 100 };
      });
      const target = service.cpuTarget;
      return [
        h('h4', {}, service.name, target === null ? '' : ` · target tracking at ${target} % CPU`),
        chart(`${service.name}: tasks`, data.start, end, [
          { label: 'desired', className: 'line-desired', points: counts('desired'), step: true },
          { label: 'running', className: 'line-running', points: counts('running'), step: true },
          { label: 'pending', className: 'line-pending', points: counts('pending'), step: true },
        ]),
        chart(`${service.name}: CPU units`, data.start, end, [
          { label: 'demand (load)', className: 'line-demand', points: demand },
          { label: 'service capacity', className: 'line-capacity', points: service.samples.map((s) => ({ time: s.time, value: s.cpu })), step: true },
          { label: 'cluster capacity', className: 'line-cluster', points: data.clusterCpu, step: true },
        ]),
        chart(`${service.name}: CPU utilization %`, data.start, end, [
          { label: 'CPUUtilization', className: 'line-demand', points: service.cpuUtilization },
        ], target === null ? undefined : { label: `target ${target} %`, value: target }),
      ];
    }));
  }
}
