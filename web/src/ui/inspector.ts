// The inspector: one container instance, what it holds, and why each task of the last placement
// did or did not go there (the engine's explanations: resources and constraints that rejected it,
// what each strategy kept).
import type { EngineState, LayoutInstance } from '../engine/protocol';
import type { Act } from './placement';
import { h, shortId } from './dom';

function resourceRows(instance: LayoutInstance): HTMLTableRowElement[] {
  const rows: [string, keyof LayoutInstance['registered'], string][] = [
    ['CPU', 'cpu', 'units'], ['Memory', 'memory', 'MiB'], ['GPUs', 'gpus', ''], ['ENIs (awsvpc)', 'enis', ''], ['Host ports', 'ports', 'free'],
  ];
  return rows.map(([label, key, unit]) => {
    const registered = instance.registered[key];
    const remaining = instance.remaining[key];
    return h('tr', {}, h('th', {}, label), h('td', {}, `${registered - remaining} used`), h('td', {}, `${remaining} of ${registered} ${unit}`.trim()));
  });
}

/** Why task `n` of the last placement went, or did not go, to `arn`. */
function verdict(state: EngineState, arn: string): HTMLLIElement[] {
  return state.explanations.map((explanation, n) => {
    const rejected = explanation.rejected.find((r) => r.containerInstanceArn === arn);
    let text: string;
    let kind: string;
    if (explanation.containerInstanceArn === arn) {
      const kept = explanation.strategies.map((s) => `${s.type}${s.field ? `(${s.field})` : ''} kept ${s.kept.length}`).join(' → ');
      text = `placed here${kept ? `: ${kept}` : ''}`;
      kind = 'placed';
    } else if (rejected) {
      text = `rejected: ${rejected.reason}`;
      kind = 'rejected';
    } else {
      const dropped = explanation.strategies.find((s) => !s.kept.includes(arn));
      text = dropped
        ? `fit, but ${dropped.type}${dropped.field ? `(${dropped.field})` : ''} kept others${explanation.containerInstanceArn ? ` (went to ${shortId(explanation.containerInstanceArn).slice(0, 8)})` : ''}`
        : explanation.containerInstanceArn ? `fit; the pick among equals went to ${shortId(explanation.containerInstanceArn).slice(0, 8)}` : 'not placed anywhere';
      kind = 'passed';
    }
    return h('li', { class: `verdict ${kind}` }, h('span', { class: 'task-number' }, `task ${n + 1}`), ' ', text);
  });
}

/** FARGATE_SPOT tasks can be interrupted, as Spot capacity is reclaimed with two minutes' notice. */
function spotControls(state: EngineState, act: Act): HTMLElement[] {
  const tasks = state.layout.tasks;
  const spot = tasks.taskArn.filter((_, row) => tasks.capacityProviderName[row] === 'FARGATE_SPOT' && tasks.lastStatus[row] === 'RUNNING');
  if (!spot.length) return [];
  const cluster = state.scenario.cluster ?? 'default';
  return [
    h('h4', {}, 'Fargate Spot'),
    h('p', { class: 'muted' }, `${spot.length} task${spot.length === 1 ? '' : 's'} on FARGATE_SPOT.`),
    h('button', { type: 'button', id: 'interrupt', onclick: () => act('ecsim', 'InterruptSpotTask', { cluster, task: spot[0] }) }, 'Interrupt a Spot task'),
  ];
}

export function renderInspector(root: HTMLElement, state: EngineState | null, index: number | null, act: Act): void {
  const instance = state && index !== null ? state.layout.instances[index] : undefined;
  if (!state || !instance) {
    root.replaceChildren(h('p', { class: 'muted' }, 'Click an instance on the board to see what it holds and why tasks did or did not go there.'));
    if (state) root.append(...spotControls(state, act));
    return;
  }
  const cluster = state.scenario.cluster ?? 'default';
  const id = shortId(instance.containerInstanceArn);
  const tasks = state.layout.tasks;
  const here = tasks.instance.flatMap((i, row) => (i === index ? [row] : []));
  const custom = Object.entries(instance.attributes).filter(([name]) => !name.startsWith('ecs.'));
  const builtIn = Object.entries(instance.attributes).filter(([name]) => name.startsWith('ecs.'));
  const draining = instance.status === 'DRAINING';
  root.replaceChildren(
    h('h3', {}, `${instance.instanceType ?? '?'} `, h('span', { class: 'mono' }, instance.ec2InstanceId)),
    h('p', { class: 'muted' }, `${instance.availabilityZone ?? 'no zone'} · ${instance.status}${instance.agentConnected ? '' : ' · agent disconnected'} · ${instance.runningTasksCount} running, ${instance.pendingTasksCount} pending`),
    h('table', { class: 'resources' }, ...resourceRows(instance)),
    h('div', { class: 'row-actions faults' },
      h('button', { type: 'button', id: 'drain', onclick: () => act('ecs', 'UpdateContainerInstancesState', { cluster, containerInstances: [id], status: draining ? 'ACTIVE' : 'DRAINING' }) }, draining ? 'Activate' : 'Drain'),
      h('button', { type: 'button', id: 'kill', class: 'danger', onclick: () => act('ecsim', 'KillInstance', { cluster, containerInstance: id }) }, 'Terminate EC2 instance'),
      h('button', { type: 'button', id: 'agent', onclick: () => act('ecsim', instance.agentConnected ? 'DisconnectAgent' : 'ReconnectAgent', { cluster, containerInstance: id }) },
        instance.agentConnected ? 'Disconnect agent' : 'Reconnect agent')),
    h('h4', {}, 'Last placement, task by task'),
    state.explanations.length
      ? h('ol', { class: 'verdicts' }, ...verdict(state, instance.containerInstanceArn))
      : h('p', { class: 'muted' }, 'Run tasks to see the placement decisions here.'),
    h('h4', {}, `Tasks here (${here.length})`),
    h('ul', { class: 'tasks' }, ...here.slice(0, 50).map((row) =>
      h('li', {}, h('span', { class: 'mono' }, shortId(tasks.taskArn[row]).slice(0, 8)), ` ${tasks.group[row]} · ${tasks.lastStatus[row]}${tasks.healthStatus[row] !== 'UNKNOWN' ? ` · ${tasks.healthStatus[row]}` : ''}`))),
    h('h4', {}, 'Attributes'),
    h('dl', { class: 'attributes' }, ...[...custom, ...builtIn].flatMap(([name, value]) => [h('dt', { class: name.startsWith('ecs.') ? '' : 'custom' }, name), h('dd', {}, value)])),
  );
}
