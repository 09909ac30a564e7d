// The placement board: zones as columns, container instances drawn to scale (a CPU row and a
// memory row as long as the instance's capacity against the cluster's largest, ENI pips, free
// host ports), tasks as segments of those rows coloured by group, FARGATE tasks in each zone's
// lane. One ES module with no dependencies, so that the notebook widget draws the same board.
import type { ClusterLayout, LayoutInstance } from '../engine/protocol';

export interface BoardOptions {
  /** Called with the index of the clicked instance in `layout.instances`, or null. */
  onSelect?: (index: number | null) => void;
}

interface Box { index: number; x: number; y: number; w: number; h: number }
interface ZoneColumn { zone: string; x: number; w: number; instances: number; fargate: number }

export interface BoardSummary {
  zones: { zone: string; instances: number; fargateTasks: number }[];
  instances: { arn: string; zone: string | null; x: number; y: number; w: number; h: number; tasks: number; highlighted: boolean }[];
}

const GROW_MS = 450;
const HEADER = 26;
const GAP = 6;
const FARGATE_LANE = 46;
/** The column of tasks on no instance and in no zone: waiting in PROVISIONING for a capacity provider's instances. */
const WAITING = 'waiting for capacity';

const STATUS_ALPHA: Record<string, number> = {
  PROVISIONING: 0.35, PENDING: 0.55, ACTIVATING: 0.75, RUNNING: 1, DEACTIVATING: 0.5, STOPPING: 0.35, DEPROVISIONING: 0.25,
};

const colors = new Map<string, string>();

/** A stable colour per task group (`service:web`, `family:batch`); memoised, since a canvas parses every colour string it is given. */
export function groupColor(group: string): string {
  const known = colors.get(group);
  if (known) return known;
  let hash = 2166136261;
  for (let i = 0; i < group.length; i++) hash = Math.imul(hash ^ group.charCodeAt(i), 16777619);
  const hue = (hash >>> 0) % 360;
  const color = `hsl(${hue} 62% 52%)`;
  colors.set(group, color);
  return color;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export class Board {
  private layout: ClusterLayout | null = null;
  private boxes: Box[] = [];
  private columns: ZoneColumn[] = [];
  private highlighted: Set<string> | null = null;
  private selected: number | null = null;
  private firstSeen = new Map<string, number>();
  private frame = 0;
  private fargateLane = FARGATE_LANE;
  /** Per task, what its segment looks like: neighbours that look alike are drawn as one. */
  private looks: string[] = [];
  /** The same, with when the task landed: tasks that landed together grow in together. */
  private arrivals: string[] = [];
  /** The fill colour last set on the canvas, so that task segments set it only when it changes. */
  private lastColor = '';
  private frames = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly options: BoardOptions = {}) {
    canvas.addEventListener('click', (event) => {
      const rect = canvas.getBoundingClientRect();
      const hit = this.hitTest(event.clientX - rect.left, event.clientY - rect.top);
      this.select(hit);
      this.options.onSelect?.(hit);
    });
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(canvas);
  }

  /** Frames drawn since the board was made (the benchmark reads it). */
  get framesDrawn(): number {
    return this.frames;
  }

  update(layout: ClusterLayout): void {
    const now = performance.now();
    const seen = new Map<string, number>();
    for (const arn of layout.tasks.taskArn) seen.set(arn, this.firstSeen.get(arn) ?? (this.layout ? now : now - GROW_MS));
    this.firstSeen = seen;
    this.layout = layout;
    const t = layout.tasks;
    this.looks = t.taskArn.map((_, row) => `${t.group[row]}|${t.lastStatus[row]}|${t.healthStatus[row]}|${t.capacityProviderName[row]}`);
    this.arrivals = t.taskArn.map((arn, row) => `${this.looks[row]}|${seen.get(arn)}`);
    // Boxes follow the layout at once, so that clicks and summaries never see the previous one.
    this.place(this.canvas.clientWidth, this.canvas.clientHeight, layout);
    this.schedule();
  }

  highlight(arns: Iterable<string> | null): void {
    this.highlighted = arns ? new Set(arns) : null;
    this.schedule();
  }

  select(index: number | null): void {
    this.selected = index;
    this.schedule();
  }

  hitTest(x: number, y: number): number | null {
    const box = this.boxes.find((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h);
    return box ? box.index : null;
  }

  /** What is drawn where, for tests and for the text summary next to the canvas. */
  summary(): BoardSummary {
    const layout = this.layout;
    if (!layout) return { zones: [], instances: [] };
    const counts = new Array<number>(layout.instances.length).fill(0);
    for (const i of layout.tasks.instance) if (i >= 0) counts[i]++;
    return {
      zones: this.columns.map((c) => ({ zone: c.zone, instances: c.instances, fargateTasks: c.fargate })),
      instances: this.boxes.map((b) => {
        const instance = layout.instances[b.index];
        return {
          arn: instance.containerInstanceArn, zone: instance.availabilityZone, x: b.x, y: b.y, w: b.w, h: b.h,
          tasks: counts[b.index], highlighted: this.highlighted?.has(instance.containerInstanceArn) ?? false,
        };
      }),
    };
  }

  /** Draws now, synchronously (a benchmark's frame, or a host that paints on its own schedule). */
  redraw(): void {
    this.draw();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
  }

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private place(width: number, height: number, layout: ClusterLayout): void {
    const zones = new Map<string, { instances: number[]; fargate: number }>();
    const zoneOf = (z: string | null) => {
      const key = z ?? 'no zone';
      if (!zones.has(key)) zones.set(key, { instances: [], fargate: 0 });
      return zones.get(key)!;
    };
    layout.instances.forEach((instance, index) => zoneOf(instance.availabilityZone).instances.push(index));
    layout.tasks.instance.forEach((i, row) => {
      if (i < 0) zoneOf(layout.tasks.availabilityZone[row] ?? WAITING).fargate++;
    });
    const names = [...zones.keys()].sort();
    const columnWidth = names.length ? (width - GAP * (names.length + 1)) / names.length : width;
    const anyFargate = [...zones.values()].some((z) => z.fargate > 0);
    // Without instances, the Fargate lanes take the whole height.
    this.fargateLane = layout.instances.length ? FARGATE_LANE : Math.max(FARGATE_LANE, height - HEADER - GAP * 2);
    const usable = height - HEADER - GAP - (anyFargate ? this.fargateLane + GAP : 0);
    const most = Math.max(1, ...[...zones.values()].map((z) => z.instances.length));
    // The largest box (aspect 2:1) with which the fullest zone fits its column.
    let boxWidth = Math.min(240, columnWidth - GAP);
    while (boxWidth > 8) {
      const perRow = Math.max(1, Math.floor((columnWidth + GAP) / (boxWidth + GAP)));
      if (Math.ceil(most / perRow) * (boxWidth / 2 + GAP) <= usable) break;
      boxWidth *= 0.92;
    }
    const boxHeight = Math.max(6, boxWidth / 2);
    const perRow = Math.max(1, Math.floor((columnWidth + GAP) / (boxWidth + GAP)));
    this.boxes = [];
    this.columns = names.map((zone, column) => {
      const x = GAP + column * (columnWidth + GAP);
      const entry = zones.get(zone)!;
      entry.instances.forEach((index, n) => {
        this.boxes.push({
          index, x: x + (n % perRow) * (boxWidth + GAP), y: HEADER + GAP + Math.floor(n / perRow) * (boxHeight + GAP), w: boxWidth, h: boxHeight,
        });
      });
      return { zone, x, w: columnWidth, instances: entry.instances.length, fargate: entry.fargate };
    });
  }

  private draw(): void {
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    const layout = this.layout;
    if (!ctx || !layout) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.lastColor = '';
    ctx.clearRect(0, 0, width, height);
    this.place(width, height, layout);
    this.frames++;

    const now = performance.now();
    let growing = false;
    const ink = cssVar('--ink', '#1d232b');
    const muted = cssVar('--muted', '#6b7480');
    const panel = cssVar('--board-box', '#ffffff');
    const track = cssVar('--board-track', '#e9edf2');
    const accent = cssVar('--accent', '#2f6fde');

    // Tasks by instance, in launch order, so that segments stack as the tasks arrived.
    const byInstance: number[][] = layout.instances.map(() => []);
    const fargateByZone = new Map<string, number[]>();
    layout.tasks.instance.forEach((i, row) => {
      if (i >= 0) byInstance[i].push(row);
      else {
        const zone = layout.tasks.availabilityZone[row] ?? WAITING;
        if (!fargateByZone.has(zone)) fargateByZone.set(zone, []);
        fargateByZone.get(zone)!.push(row);
      }
    });
    const maxCpu = Math.max(1, ...layout.instances.map((i) => i.registered.cpu));
    const maxMemory = Math.max(1, ...layout.instances.map((i) => i.registered.memory));
    const grow = (row: number) => {
      const age = now - (this.firstSeen.get(layout.tasks.taskArn[row]) ?? 0);
      if (age < GROW_MS) growing = true;
      const t = Math.min(1, Math.max(0, age / GROW_MS));
      return 1 - (1 - t) ** 3;
    };

    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const column of this.columns) {
      this.setFill(ctx, ink);
      ctx.fillText(column.zone, column.x + 2, HEADER / 2);
      this.setFill(ctx, muted);
      ctx.font = '11px system-ui, sans-serif';
      const label = `${column.instances} instance${column.instances === 1 ? '' : 's'}`;
      ctx.fillText(label, column.x + column.w - ctx.measureText(label).width - 2, HEADER / 2);
      ctx.font = '600 12px system-ui, sans-serif';
    }

    for (const box of this.boxes) {
      const instance = layout.instances[box.index];
      const dim = this.highlighted !== null && !this.highlighted.has(instance.containerInstanceArn);
      ctx.globalAlpha = dim ? 0.3 : 1;
      this.drawInstance(ctx, box, instance, byInstance[box.index], layout, { maxCpu, maxMemory, panel, track, ink, muted, grow });
      ctx.globalAlpha = 1;
      const lit = this.highlighted?.has(instance.containerInstanceArn);
      if (lit || this.selected === box.index) {
        ctx.strokeStyle = accent;
        ctx.lineWidth = this.selected === box.index ? 3 : 2;
        ctx.strokeRect(box.x - 1.5, box.y - 1.5, box.w + 3, box.h + 3);
      }
    }

    // FARGATE lanes: one square per task, its side by the task's CPU.
    for (const column of this.columns) {
      const rows = fargateByZone.get(column.zone);
      if (!rows?.length) continue;
      const lane = this.fargateLane;
      const top = height - lane - GAP;
      this.setFill(ctx, track);
      ctx.fillRect(column.x, top, column.w, lane);
      this.setFill(ctx, muted);
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillText(`${column.zone === WAITING ? 'PROVISIONING' : 'Fargate'} · ${rows.length}`, column.x + 4, top + 8);
      let x = column.x + 4;
      let y = top + 16;
      for (const row of rows) {
        const side = Math.max(6, Math.min(lane > FARGATE_LANE ? 48 : 24, Math.sqrt(layout.tasks.cpu[row]) * (lane > FARGATE_LANE ? 1.6 : 0.7)));
        if (x + side > column.x + column.w - 4) {
          x = column.x + 4;
          y += side + 3;
        }
        if (y + side > top + lane) break;
        this.fillTask(ctx, layout, row, x, y, side * grow(row), side);
        x += side + 3;
      }
    }
    if (growing) this.schedule();
  }

  private fillTask(ctx: CanvasRenderingContext2D, layout: ClusterLayout, row: number, x: number, y: number, w: number, h: number): void {
    const base = ctx.globalAlpha;
    const alpha = base * (STATUS_ALPHA[layout.tasks.lastStatus[row]] ?? 1);
    if (alpha !== base) ctx.globalAlpha = alpha;
    const color = groupColor(layout.tasks.group[row]);
    this.setFill(ctx, color);
    ctx.fillRect(x, y, w, h);
    if (layout.tasks.healthStatus[row] === 'UNHEALTHY') {
      this.setFill(ctx, '#d64545');
      ctx.fillRect(x, y, w, Math.max(2, h / 4));
    }
    if (layout.tasks.capacityProviderName[row] === 'FARGATE_SPOT') {
      ctx.strokeStyle = '#0009';
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), h - 1);
    }
    ctx.globalAlpha = base;
  }

  private setFill(ctx: CanvasRenderingContext2D, color: string): void {
    if (this.lastColor === color) return;
    ctx.fillStyle = color;
    this.lastColor = color;
  }

  private drawInstance(
    ctx: CanvasRenderingContext2D,
    box: Box,
    instance: LayoutInstance,
    rows: number[],
    layout: ClusterLayout,
    look: { maxCpu: number; maxMemory: number; panel: string; track: string; ink: string; muted: string; grow: (row: number) => number },
  ): void {
    const base = ctx.globalAlpha;
    this.setFill(ctx, look.panel);
    ctx.fillRect(box.x, box.y, box.w, box.h);
    const detailed = box.w >= 110;
    const pad = detailed ? 6 : Math.max(1, box.w * 0.06);
    const titleHeight = detailed ? 15 : 0;
    const barHeight = detailed ? Math.min(20, (box.h - titleHeight - pad * 2 - 14) / 2) : Math.max(1, (box.h - pad * 3) / 2);
    const inner = box.w - pad * 2;
    if (detailed) {
      this.setFill(ctx, look.ink);
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.fillText(instance.instanceType ?? '?', box.x + pad, box.y + pad + 5);
      this.setFill(ctx, look.muted);
      ctx.font = '10px ui-monospace, monospace';
      const id = instance.ec2InstanceId.slice(-6);
      ctx.fillText(id, box.x + box.w - pad - ctx.measureText(id).width, box.y + pad + 5);
    }
    const bars: ['cpu' | 'memory', number][] = [['cpu', look.maxCpu], ['memory', look.maxMemory]];
    bars.forEach(([resource, max], n) => {
      const y = box.y + pad + titleHeight + n * (barHeight + (detailed ? 4 : pad));
      const registered = instance.registered[resource];
      const length = inner * (registered / max);
      this.setFill(ctx, look.track);
      ctx.fillRect(box.x + pad, y, length, barHeight);
      // Neighbouring tasks that look the same (group, status, health) and landed together are
      // one rectangle, growing in as one: a thousand instances of ten tasks each, even all
      // landing at once, stay within a frame's budget.
      let x = box.x + pad;
      let run = -1;
      let runStart = x;
      let runKey = '';
      let runGrown = 1;
      const flush = () => {
        if (run >= 0) this.fillTask(ctx, layout, run, runStart, y, (x - runStart) * runGrown, barHeight);
        run = -1;
      };
      for (const row of rows) {
        const share = (layout.tasks[resource][row] / Math.max(1, registered)) * length;
        const grown = look.grow(row);
        const key = grown < 1 ? this.arrivals[row] : this.looks[row];
        if (key !== runKey) {
          flush();
          run = row;
          runStart = x;
          runKey = key;
          runGrown = grown;
        }
        x += share;
      }
      flush();
      if (detailed) {
        this.setFill(ctx, look.muted);
        ctx.font = '9px system-ui, sans-serif';
        if (length > 40) ctx.fillText(resource === 'cpu' ? 'CPU' : 'MEM', box.x + pad + length - 22, y + barHeight / 2);
      }
    });
    if (detailed && box.h >= 62) {
      // ENI pips (awsvpc tasks) and free host ports.
      const y = box.y + box.h - pad - 4;
      const enis = instance.registered.enis;
      const used = enis - instance.remaining.enis;
      for (let i = 0; i < Math.min(enis, 15); i++) {
        ctx.beginPath();
        ctx.arc(box.x + pad + 3 + i * 8, y, 2.6, 0, Math.PI * 2);
        this.setFill(ctx, i < used ? look.ink : look.track);
        ctx.fill();
      }
      const portsUsed = instance.registered.ports - instance.remaining.ports;
      const text = `${rows.length} task${rows.length === 1 ? '' : 's'} · ${portsUsed} port${portsUsed === 1 ? '' : 's'}`;
      this.setFill(ctx, look.muted);
      ctx.font = '9px system-ui, sans-serif';
      ctx.fillText(text, box.x + box.w - pad - ctx.measureText(text).width, y);
    }
    // Status: DRAINING and a disconnected agent are drawn on the outline.
    if (instance.status !== 'ACTIVE' || !instance.agentConnected) {
      ctx.strokeStyle = instance.agentConnected ? '#e08a1e' : '#d64545';
      ctx.setLineDash(instance.agentConnected ? [] : [4, 3]);
      ctx.lineWidth = 2;
      ctx.strokeRect(box.x + 1, box.y + 1, box.w - 2, box.h - 2);
      ctx.setLineDash([]);
    }
  }
}
