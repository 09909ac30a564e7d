// The cluster builder: groups of container instances by type, zone and custom attributes.
import type { InstanceTypeInfo } from '../engine/protocol';
import type { FleetGroup, Scenario, Step } from '../scenario/scenario';
import { h } from './dom';

const ZONE_LETTERS = 'abcdef';

function attributesText(attributes: Record<string, string> | undefined): string {
  return Object.entries(attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** `tier=web, team=a` → { tier: 'web', team: 'a' }; an item without `=` is an error naming it. */
export function parseAttributes(text: string): Record<string, string> | Error {
  const attributes: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.indexOf('=');
    if (at <= 0) return new Error(`"${item}" is not name=value`);
    attributes[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return attributes;
}

interface FargateCapacity { fargate: boolean; base: number; weight: number; spot: boolean; spotWeight: number }

/** The steps that give a cluster Fargate capacity: a subnet per zone and the capacity providers. */
export function capacitySteps(cluster: string, region: string, capacity: FargateCapacity): Step[] {
  if (!capacity.fargate && !capacity.spot) return [];
  const subnets = [...'abc'].map((l) => ({ service: 'ecsim' as const, action: 'CreateSubnet', input: { subnetId: `subnet-${l}`, availabilityZone: `${region}${l}` } }));
  const strategy = [
    ...(capacity.fargate ? [{ capacityProvider: 'FARGATE', base: capacity.base, weight: capacity.weight }] : []),
    ...(capacity.spot ? [{ capacityProvider: 'FARGATE_SPOT', weight: capacity.spotWeight }] : []),
  ];
  return [...subnets, { service: 'ecs', action: 'PutClusterCapacityProviders', input: {
    cluster, capacityProviders: strategy.map((s) => s.capacityProvider), defaultCapacityProviderStrategy: strategy } }];
}

function capacityOf(scenario: Scenario): FargateCapacity {
  const put = (scenario.steps ?? []).find((s) => s.action === 'PutClusterCapacityProviders');
  const strategy = ((put?.input as { defaultCapacityProviderStrategy?: { capacityProvider: string; base?: number; weight?: number }[] })?.defaultCapacityProviderStrategy) ?? [];
  const fargate = strategy.find((s) => s.capacityProvider === 'FARGATE');
  const spot = strategy.find((s) => s.capacityProvider === 'FARGATE_SPOT');
  return { fargate: !!fargate, base: fargate?.base ?? 0, weight: fargate?.weight ?? 1, spot: !!spot, spotWeight: spot?.weight ?? 1 };
}

export class Builder {
  private groups: FleetGroup[] = [];
  private region = 'us-east-1';
  private capacity: FargateCapacity = { fargate: false, base: 0, weight: 1, spot: false, spotWeight: 1 };

  constructor(
    private readonly root: HTMLElement,
    private readonly types: InstanceTypeInfo[],
    private readonly onBuild: (fleet: FleetGroup[], capacity: (cluster: string) => Step[]) => void,
  ) {}

  show(scenario: Scenario): void {
    this.groups = (scenario.fleet ?? []).map((g) => ({ ...g, attributes: { ...(g.attributes ?? {}) } }));
    this.region = (scenario.config as { region?: string } | undefined)?.region ?? 'us-east-1';
    this.capacity = capacityOf(scenario);
    this.render();
  }

  private capacityControls(): HTMLElement {
    const c = this.capacity;
    const number = (value: number, label: string, set: (n: number) => void) => {
      const input = h('input', { type: 'number', min: 0, max: 1000, value, 'aria-label': label, class: 'small-number' });
      input.addEventListener('input', () => set(Math.max(0, Math.min(1000, Number(input.value) || 0))));
      return input;
    };
    const check = (on: boolean, id: string, set: (on: boolean) => void) => {
      const input = h('input', { type: 'checkbox', id, checked: on });
      input.addEventListener('change', () => set(input.checked));
      return input;
    };
    return h('div', { class: 'capacity' },
      h('span', { class: 'label' }, 'Capacity providers (default strategy)'),
      h('label', { class: 'inline' }, check(c.fargate, 'cp-fargate', (v) => (c.fargate = v)), 'FARGATE base', number(c.base, 'FARGATE base', (n) => (c.base = n)), 'weight', number(c.weight, 'FARGATE weight', (n) => (c.weight = n))),
      h('label', { class: 'inline' }, check(c.spot, 'cp-spot', (v) => (c.spot = v)), 'FARGATE_SPOT weight', number(c.spotWeight, 'FARGATE_SPOT weight', (n) => (c.spotWeight = n))),
      h('p', { class: 'hint' }, 'With either, the cluster gets a subnet in zones a, b and c for awsvpc tasks.'));
  }

  private render(): void {
    const typeOptions = (selected: string) => {
      const select = h('select', { 'aria-label': 'instance type', class: 'type' });
      for (const t of this.types) {
        const label = `${t.name} · ${t.vcpus} vCPU · ${Math.round(t.memoryMiB / 1024)} GiB${t.gpus ? ` · ${t.gpus} GPU` : ''}${t.architecture === 'arm64' ? ' · Graviton' : ''}`;
        select.add(new Option(label, t.name, false, t.name === selected));
      }
      if (!this.types.some((t) => t.name === selected)) select.add(new Option(selected, selected, false, true));
      return select;
    };
    const rows = this.groups.map((group, index) => {
      const type = typeOptions(group.instanceType);
      type.addEventListener('change', () => (group.instanceType = type.value));
      const zone = h('select', { 'aria-label': 'availability zone', class: 'zone' });
      for (const letter of ZONE_LETTERS) {
        const name = `${this.region}${letter}`;
        zone.add(new Option(name, name, false, name === group.availabilityZone));
      }
      zone.addEventListener('change', () => (group.availabilityZone = zone.value));
      const count = h('input', { type: 'number', min: 1, max: 1000, value: group.count ?? 1, 'aria-label': 'count', class: 'count' });
      count.addEventListener('input', () => (group.count = Math.max(1, Math.min(1000, Number(count.value) || 1))));
      const attributes = h('input', { type: 'text', value: attributesText(group.attributes), placeholder: 'tier=web, team=a', 'aria-label': 'custom attributes', class: 'attributes' });
      const problem = h('span', { class: 'field-error' });
      attributes.addEventListener('input', () => {
        const parsed = parseAttributes(attributes.value);
        problem.textContent = parsed instanceof Error ? parsed.message : '';
        if (!(parsed instanceof Error)) group.attributes = parsed;
      });
      const remove = h('button', { type: 'button', class: 'icon', title: 'Remove this group', onclick: () => { this.groups.splice(index, 1); this.render(); } }, '×');
      return h('div', { class: 'fleet-row' }, count, type, zone, attributes, remove, problem);
    });
    const add = h('button', { type: 'button', onclick: () => {
      const last = this.groups.at(-1);
      this.groups.push({ instanceType: last?.instanceType ?? 'm6i.large', availabilityZone: `${this.region}${ZONE_LETTERS[this.groups.length % 3]}`, count: 2, attributes: {} });
      this.render();
    } }, '+ group');
    const build = h('button', { type: 'button', class: 'primary', id: 'build', onclick: () =>
      this.onBuild(this.groups.map((g) => ({ ...g })), (cluster) => capacitySteps(cluster, this.region, { ...this.capacity })) }, 'Build cluster');
    const total = this.groups.reduce((n, g) => n + (g.count ?? 1), 0);
    this.root.replaceChildren(
      h('p', { class: 'hint' }, 'Container instances by type and zone; building starts the scenario over with this fleet.'),
      ...rows,
      h('div', { class: 'row-actions' }, add, h('span', { class: 'muted' }, `${total} instance${total === 1 ? '' : 's'}`)),
      this.capacityControls(),
      h('div', { class: 'row-actions' }, build),
    );
  }
}
