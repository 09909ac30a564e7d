// The playground page: the engine runs in a worker; this wires the board, the panels and the clock.
import { Board } from './board/board';
import { EngineClient } from './engine/client';
import { type FirstView, stateAt } from './engine/first-view';
import type { EngineState, InstanceTypeInfo, LogEntry, Request, Response } from './engine/protocol';
import { DEFAULT_PRESET, PRESETS } from './scenario/presets';
import { cloneScenario, families, type FleetGroup, type Scenario } from './scenario/scenario';
import { decodeShare, encodeShare } from './scenario/share';
import { Builder } from './ui/builder';
import { $, clockText, durationText } from './ui/dom';
import { TaskDefinitionsPanel } from './ui/taskdefs';
import { renderInspector } from './ui/inspector';
import { DiscoveryPanel } from './ui/discovery';
import { entryInstances, renderLog } from './ui/log';
import { PlacementPanel } from './ui/placement';
import { QueryField } from './ui/query';
import { ScalingPanel } from './ui/scaling';
import './style.css';

/** The default scenario's opening, recorded by the build: drawn while the engine loads. */
async function firstView(): Promise<FirstView | null> {
  if (location.hash) return null;
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}first-view.json`);
    return response.ok ? ((await response.json()) as FirstView) : null;
  } catch {
    return null;
  }
}

const recording = firstView();
const engine = new EngineClient(recording);
let state: EngineState | null = null;
let selected: number | null = null;
let playing = false;
let busy = false;
/** `?paused`: the page opens with the clock stopped (tests, screenshots). */
const startPaused = new URLSearchParams(location.search).has('paused');

const banner = $('#banner');
function showBanner(message: string | null): void {
  banner.hidden = !message;
  banner.textContent = message ?? '';
}

async function ask<T extends Response['type']>(request: Request, expect: T): Promise<Extract<Response, { type: T }>> {
  const response = await engine.request(request);
  if (response.type === 'error') throw new Error(response.message);
  if (response.type !== expect) throw new Error(`unexpected ${response.type}`);
  return response as Extract<Response, { type: T }>;
}

const board = new Board($('#board') as HTMLCanvasElement, {
  onSelect: (index) => {
    selected = index;
    renderInspector($('#inspector'), state, selected, act);
  },
});

const evaluate = async (expression: string) => {
  const answer = await ask({ type: 'query', expression }, 'query');
  return { matches: answer.matches, error: answer.error };
};
const highlight = (arns: string[] | null) => board.highlight(arns);
const discovery = new DiscoveryPanel($('#tab-discovery'), async (name, recordType) => {
  const answer = await ask({ type: 'resolve', name, recordType }, 'resolve');
  return { answer: answer.answer, names: answer.names };
});
const scaling = new ScalingPanel($('#tab-scaling'), async () => (await ask({ type: 'scaling' }, 'scaling')).chart);
const query = new QueryField('Query', 'attribute:ecs.instance-type =~ m6i.*', evaluate, highlight);
const memberOf = new QueryField('memberOf', 'attribute:tier == web', evaluate, highlight);
$('#board-bar').replaceChildren(query.element);

function render(next: EngineState): void {
  state = next;
  board.update(next.layout);
  const summary = board.summary();
  const tasks = next.layout.tasks.taskArn.length;
  $('#board-summary').textContent =
    `${summary.zones.length} zones, ${next.layout.instances.length} instances, ${tasks} tasks at ${clockText(next.time)}`;
  $('#loading').hidden = true;
  const scrub = $('#scrub') as HTMLInputElement;
  scrub.max = String(Math.ceil(next.horizon - next.start));
  scrub.value = String(Math.round(next.time - next.start));
  $('#time').textContent = `${clockText(next.time)} · +${durationText(next.time - next.start)}`;
  renderLog($('#log'), next.log, next.start, pickLogEntry);
  renderInspector($('#inspector'), next, selected, act);
  placement.setFamilies(families(next.scenario).concat(registeredFamilies(next.scenario)).filter((f, i, all) => all.indexOf(f) === i));
  placement.showServices(next.services);
  placement.setScenario(next.scenario);
  taskDefinitions?.show(next.scenario);
  if (!$('#tab-discovery').hidden) void discovery.refresh();
  if (!$('#tab-scaling').hidden) void scaling.refresh();
}

function registeredFamilies(scenario: Scenario): string[] {
  return (scenario.steps ?? []).filter((s) => s.action === 'RegisterTaskDefinition').map((s) => String((s.input as { family?: unknown })?.family ?? ''));
}

function pickLogEntry(entry: LogEntry): void {
  if (!state) return;
  board.highlight(entryInstances(entry, state.layout));
}

async function run(request: Request): Promise<void> {
  busy = true;
  try {
    const response = await engine.request(request);
    if (response.type === 'state') render(response.state);
    else if (response.type === 'error') showBanner(response.message);
  } finally {
    busy = false;
  }
}

function act(service: string, action: string, input: Record<string, unknown>): void {
  void run({ type: 'act', service, action, input }).then(() => query.run());
}

async function load(scenario: Scenario, time = 0): Promise<boolean> {
  const response = await engine.request({ type: 'load', scenario: cloneScenario(scenario), time });
  if (response.type !== 'state') {
    showBanner(`This scenario cannot be loaded: ${response.type === 'error' ? response.message : response.type}. Showing the default scenario.`);
    return false;
  }
  selected = null;
  render(response.state);
  builder?.show(response.state.scenario);
  return true;
}

// The clock: while playing, each frame advances the simulation by the real time elapsed times the
// speed; a slow step holds the next one back instead of queueing them.
let lastFrame = 0;
function tick(timestamp: number): void {
  if (!playing) return;
  const elapsed = lastFrame ? Math.min(0.25, (timestamp - lastFrame) / 1000) : 0;
  lastFrame = timestamp;
  if (!busy && elapsed > 0) {
    const speed = Number(($('#speed') as HTMLSelectElement).value);
    void run({ type: 'advance', seconds: elapsed * speed });
  }
  requestAnimationFrame(tick);
}

function setPlaying(on: boolean): void {
  playing = on;
  const button = $('#play');
  button.textContent = on ? '❚❚' : '▶';
  button.setAttribute('aria-label', on ? 'pause' : 'play');
  button.dataset.playing = String(on);
  lastFrame = 0;
  if (on) requestAnimationFrame(tick);
}

$('#play').addEventListener('click', () => setPlaying(!playing));
$('#step').addEventListener('click', () => {
  setPlaying(false);
  void run({ type: 'advance', seconds: 10 });
});
$('#scrub').addEventListener('input', (event) => {
  setPlaying(false);
  if (!state) return;
  void run({ type: 'seek', time: state.start + Number((event.target as HTMLInputElement).value) });
});

// The task definition editor (CodeMirror) loads when its tab first opens: the first view does not need it.
let taskDefinitions: TaskDefinitionsPanel | undefined;
async function openEditor(): Promise<void> {
  if (taskDefinitions) return;
  const { codeMirrorSurface } = await import('./editor/codemirror');
  taskDefinitions = new TaskDefinitionsPanel($('#tab-taskdefs'), codeMirrorSurface(), {
    validate: async (text, security) => {
      const answer = await ask({ type: 'validate', text, security }, 'validate');
      return { diagnostics: answer.diagnostics, error: answer.error };
    },
    register: (taskDefinition) => act('ecs', 'RegisterTaskDefinition', taskDefinition),
  });
  if (state) taskDefinitions.show(state.scenario);
}

// Tabs.
for (const tab of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
  tab.addEventListener('click', () => {
    if (tab.dataset.tab === 'taskdefs') void openEditor();
    if (tab.dataset.tab === 'discovery') void discovery.refresh();
    if (tab.dataset.tab === 'scaling') void scaling.refresh();
    for (const other of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) other.setAttribute('aria-selected', String(other === tab));
    for (const panel of document.querySelectorAll<HTMLElement>('.tab')) panel.hidden = panel.id !== `tab-${tab.dataset.tab}`;
  });
}

// Scenarios: presets, share links, export and import.
const preset = $('#preset') as HTMLSelectElement;
for (const p of PRESETS) preset.add(new Option(p.title, p.id));
preset.addEventListener('change', () => {
  const chosen = PRESETS.find((p) => p.id === preset.value) ?? DEFAULT_PRESET;
  history.replaceState(null, '', location.pathname);
  void load(chosen.scenario).then(() => setPlaying(!startPaused));
});

$('#share').addEventListener('click', async () => {
  const exported = await ask({ type: 'export' }, 'export');
  const hash = await encodeShare({ scenario: exported.scenario, time: exported.time });
  history.replaceState(null, '', hash);
  const link = location.href;
  await navigator.clipboard?.writeText(link).catch(() => undefined);
  showBanner(null);
  $('#share').textContent = 'Link copied';
  setTimeout(() => ($('#share').textContent = 'Share link'), 1500);
});

$('#export').addEventListener('click', async () => {
  const exported = await ask({ type: 'export' }, 'export');
  const blob = new Blob([JSON.stringify(exported.fullScenario, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${(exported.fullScenario.name ?? 'scenario').replace(/[^A-Za-z0-9._-]+/g, '-')}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
});

$('#import').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  try {
    const scenario = JSON.parse(await file.text()) as Scenario;
    if (await load(scenario)) showBanner(null);
    else await load(DEFAULT_PRESET.scenario);
  } catch (error) {
    showBanner(`${file.name} is not a scenario: ${(error as Error).message}`);
  }
});

// The cluster builder needs the catalog, which the engine has: it appears once the engine is up.
let builder: Builder | undefined;
void ask({ type: 'catalog' }, 'catalog').then(({ types }: { types: InstanceTypeInfo[] }) => {
  builder = new Builder($('#tab-cluster'), types, (fleet: FleetGroup[], capacity) => {
    if (!state) return;
    const cluster = state.scenario.cluster ?? 'default';
    const registered = (state.scenario.steps ?? []).filter((s) => s.action === 'RegisterTaskDefinition');
    const scenario: Scenario = { ...state.scenario, fleet, steps: [...capacity(cluster), ...registered] };
    void load(scenario);
  });
  if (state) builder.show(state.scenario);
});
const placement = new PlacementPanel($('#tab-place'), () => state?.scenario.cluster ?? 'default', memberOf, act);
$('#version').textContent = __ECSIM_VERSION__;

// Start: a shared link's scenario, or the default one, playing.
const shared = await decodeShare(location.hash);
let started = false;
if (shared instanceof Error) showBanner(`${shared.message} Showing the default scenario.`);
else if (shared) started = await load(shared.scenario, shared.time);
if (!started) {
  await load(DEFAULT_PRESET.scenario);
  setPlaying(!startPaused);
}

// For the browser tests and the benchmark: what the board drew and what the engine said.
Object.assign(window, { playground: { board, state: () => state, setPlaying, run, editor: () => taskDefinitions?.surface,
  // Whether the engine answers yet, and what the first view's recording says at a moment.
  live: () => engine.live,
  scaling: () => scaling.shown,
  recorded: async (seconds: number) => {
    const view = await recording;
    return view && { scenario: JSON.parse(view.scenario) as Scenario, state: stateAt(view, view.keyframes[0].start + seconds) };
  },
} });
