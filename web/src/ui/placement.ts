// Placement: run tasks or create a service with strategies and constraints; scale and deploy
// the services that exist.
import type { ServiceSummary } from '../engine/protocol';
import type { Scenario } from '../scenario/scenario';
import { h } from './dom';
import type { QueryField } from './query';

export type Act = (service: string, action: string, input: Record<string, unknown>) => void;

const STRATEGY_FIELDS: Record<string, string[]> = {
  binpack: ['memory', 'cpu'],
  spread: ['attribute:ecs.availability-zone', 'instanceId', 'attribute:ecs.instance-type'],
  random: [''],
};

interface StrategyRow { type: string; field: string }

export class PlacementPanel {
  private strategies: StrategyRow[] = [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }];
  private readonly family = h('select', { 'aria-label': 'task definition', id: 'family' });
  private readonly count = h('input', { type: 'number', min: 1, max: 1000, value: 4, 'aria-label': 'task count', id: 'task-count' });
  private readonly distinct = h('input', { type: 'checkbox', id: 'distinct' });
  private readonly serviceName = h('input', { type: 'text', value: 'api', 'aria-label': 'service name', id: 'service-name' });
  private readonly strategyList = h('div', { class: 'strategies' });
  private readonly servicesList = h('div', { class: 'services', id: 'services' });
  private readonly imageList = h('select', { 'aria-label': 'image', id: 'image' });
  private readonly imageOptions = h('div', { class: 'image-options' });
  /** awsvpc families and the subnets the scenario declares: their tasks get a network configuration. */
  private awsvpcFamilies = new Set<string>();
  private subnets: string[] = [];

  constructor(root: HTMLElement, private readonly cluster: () => string, private readonly memberOf: QueryField, private readonly act: Act) {
    const run = h('button', { type: 'button', class: 'primary', id: 'run-tasks', onclick: () => this.runTasks() }, 'Run tasks');
    const create = h('button', { type: 'button', id: 'create-service', onclick: () => this.createService() }, 'Create service');
    root.replaceChildren(
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Task definition'), this.family),
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Strategies, in order'), this.strategyList),
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Constraints'),
        h('label', { class: 'toggle' }, this.distinct, ' distinctInstance'), memberOf.element),
      h('div', { class: 'row-actions' }, h('label', { class: 'inline' }, 'Tasks ', this.count), run),
      h('div', { class: 'row-actions' }, h('label', { class: 'inline' }, 'Service ', this.serviceName), create),
      h('h3', {}, 'Services'),
      this.servicesList,
      h('h3', {}, 'Image behaviour'),
      h('p', { class: 'hint' }, 'What running an image does from now on (ecsim PutImage): slow or failing pulls, containers that exit, health checks that start failing.'),
      this.imageList,
      this.imageOptions,
    );
    this.renderImageOptions();
    this.renderStrategies();
  }

  /** The scenario's task definitions: their images, network modes and the declared subnets. */
  setScenario(scenario: Scenario): void {
    const definitions = [...(scenario.taskDefinitions ?? []), ...(scenario.steps ?? []).filter((s) => s.action === 'RegisterTaskDefinition').map((s) => s.input ?? {})] as
      { family?: string; networkMode?: string; containerDefinitions?: { image?: string }[] }[];
    this.awsvpcFamilies = new Set(definitions.filter((d) => d.networkMode === 'awsvpc').map((d) => String(d.family)));
    this.subnets = (scenario.steps ?? []).filter((s) => s.action === 'CreateSubnet').map((s) => String((s.input as { subnetId?: unknown }).subnetId));
    const images = [...new Set(definitions.flatMap((d) => (d.containerDefinitions ?? []).map((c) => c.image ?? '')).filter(Boolean))];
    const current = this.imageList.value;
    this.imageList.replaceChildren(...images.map((i) => new Option(i, i, false, i === current)));
  }

  private renderImageOptions(): void {
    const field = (label: string, id: string, placeholder: string) =>
      h('label', { class: 'inline' }, label, h('input', { type: 'number', min: 0, id, placeholder, class: 'small-number' }));
    const pullFails = h('input', { type: 'checkbox', id: 'pull-fails' });
    const value = (id: string) => {
      const text = (this.imageOptions.querySelector<HTMLInputElement>(`#${id}`)?.value ?? '').trim();
      return text === '' ? undefined : Number(text);
    };
    const apply = h('button', { type: 'button', id: 'put-image', onclick: () => {
      const input: Record<string, unknown> = { image: this.imageList.value, pullFails: pullFails.checked };
      const pullSeconds = value('pull-seconds');
      const exitAfter = value('exit-after');
      const unhealthyAfter = value('unhealthy-after');
      if (pullSeconds !== undefined) input.pullSeconds = pullSeconds;
      if (exitAfter !== undefined) input.exitAfter = exitAfter;
      if (unhealthyAfter !== undefined) input.unhealthyAfter = unhealthyAfter;
      this.act('ecsim', 'PutImage', input);
    } }, 'Set behaviour');
    this.imageOptions.replaceChildren(
      field('pull s', 'pull-seconds', 'default'),
      h('label', { class: 'toggle' }, pullFails, ' pull fails'),
      field('exits after s', 'exit-after', 'never'),
      field('unhealthy after s', 'unhealthy-after', 'never'),
      apply,
    );
  }

  setFamilies(families: string[]): void {
    const current = this.family.value;
    this.family.replaceChildren(...families.map((f) => new Option(f, f, false, f === current)));
  }

  private renderStrategies(): void {
    const rows = this.strategies.map((row, index) => {
      const type = h('select', { 'aria-label': 'strategy type' });
      for (const t of Object.keys(STRATEGY_FIELDS)) type.add(new Option(t, t, false, t === row.type));
      const field = h('input', { type: 'text', value: row.field, list: `fields-${row.type}`, 'aria-label': 'strategy field', disabled: row.type === 'random' });
      type.addEventListener('change', () => { row.type = type.value; row.field = STRATEGY_FIELDS[row.type][0]; this.renderStrategies(); });
      field.addEventListener('input', () => (row.field = field.value));
      const remove = h('button', { type: 'button', class: 'icon', title: 'Remove', onclick: () => { this.strategies.splice(index, 1); this.renderStrategies(); } }, '×');
      return h('div', { class: 'strategy-row' }, type, field, remove);
    });
    const lists = Object.entries(STRATEGY_FIELDS).map(([type, fields]) =>
      h('datalist', { id: `fields-${type}` }, ...fields.map((f) => h('option', { value: f }))));
    const add = h('button', { type: 'button', disabled: this.strategies.length >= 5, onclick: () => { this.strategies.push({ type: 'binpack', field: 'cpu' }); this.renderStrategies(); } }, '+ strategy');
    this.strategyList.replaceChildren(...rows, ...lists, add);
  }

  private placementInput(): Record<string, unknown> {
    const constraints: Record<string, string>[] = [];
    if (this.distinct.checked) constraints.push({ type: 'distinctInstance' });
    if (this.memberOf.value) constraints.push({ type: 'memberOf', expression: this.memberOf.value });
    const network = this.awsvpcFamilies.has(this.family.value) && this.subnets.length
      ? { networkConfiguration: { awsvpcConfiguration: { subnets: this.subnets } } }
      : {};
    return {
      ...network,
      cluster: this.cluster(),
      taskDefinition: this.family.value,
      placementStrategy: this.strategies.map((s) => (s.type === 'random' ? { type: 'random' } : { type: s.type, field: s.field })),
      placementConstraints: constraints,
    };
  }

  private runTasks(): void {
    const count = Math.max(1, Math.min(1000, Number(this.count.value) || 1));
    // RunTask takes up to 10; PlaceTasks answers exactly as successive RunTask calls of 10.
    if (count <= 10) this.act('ecs', 'RunTask', { ...this.placementInput(), count });
    else this.act('ecsim', 'PlaceTasks', { ...this.placementInput(), count });
  }

  private createService(): void {
    this.act('ecs', 'CreateService', {
      ...this.placementInput(),
      serviceName: this.serviceName.value.trim() || 'api',
      desiredCount: Math.max(0, Math.min(1000, Number(this.count.value) || 1)),
    });
  }

  showServices(services: ServiceSummary[]): void {
    const cluster = this.cluster();
    this.servicesList.replaceChildren(
      ...(services.length ? [] : [h('p', { class: 'muted' }, 'No services yet.')]),
      ...services.map((s) => {
        const scale = (delta: number) => () =>
          this.act('ecs', 'UpdateService', { cluster, service: s.serviceName, desiredCount: Math.max(0, s.desiredCount + delta) });
        const deploy = () => this.act('ecs', 'UpdateService', { cluster, service: s.serviceName, forceNewDeployment: true });
        const deployments = s.deployments.map((d) =>
          h('li', { class: `deployment ${d.status.toLowerCase()}` }, `${d.status} ${d.taskDefinition} · ${d.runningCount}/${d.desiredCount}${d.rolloutState ? ` · ${d.rolloutState}` : ''}`));
        return h('div', { class: 'service', 'data-service': s.serviceName },
          h('div', { class: 'service-head' },
            h('strong', {}, s.serviceName),
            h('span', { class: 'counts' }, `${s.runningCount} running · ${s.pendingCount} pending · ${s.desiredCount} desired`)),
          h('div', { class: 'row-actions' },
            h('button', { type: 'button', class: 'icon', title: 'One task fewer', onclick: scale(-1) }, '−'),
            h('button', { type: 'button', class: 'icon', title: 'One task more', onclick: scale(1) }, '+'),
            h('button', { type: 'button', class: 'deploy', onclick: deploy }, 'Deploy')),
          h('ul', { class: 'deployments' }, ...deployments));
      }),
    );
  }
}
