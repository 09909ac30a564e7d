// The discovery panel: what DNS answers, now, for a name in the Cloud Map namespaces (the same
// resolver the Python and Node packages' DNS servers use), asked again as the clock runs.
import type { DnsAnswer, DnsRecord } from '../engine/protocol';
import { h } from './dom';

const TYPES = ['A', 'AAAA', 'SRV', 'CNAME', 'SOA'];

export class DiscoveryPanel {
  private readonly name = h('input', { type: 'text', id: 'dns-name', 'aria-label': 'DNS name', placeholder: 'api.internal', spellcheck: false });
  private readonly type = h('select', { id: 'dns-type', 'aria-label': 'record type' });
  private readonly names = h('datalist', { id: 'dns-names' });
  private readonly result = h('div', { id: 'dns-answer', 'aria-live': 'polite' });
  private generation = 0;

  constructor(
    root: HTMLElement,
    private readonly resolve: (name: string, recordType: string) => Promise<{ answer: DnsAnswer; names: string[] }>,
  ) {
    for (const type of TYPES) this.type.add(new Option(type, type));
    this.name.setAttribute('list', 'dns-names');
    this.name.addEventListener('input', () => void this.refresh());
    this.type.addEventListener('change', () => void this.refresh());
    root.replaceChildren(
      h('p', { class: 'hint' }, 'What DNS answers now for the Cloud Map services, as Route 53 would: up to 8 healthy records (MULTIVALUE), one (WEIGHTED), SRV targets with their addresses.'),
      h('div', { class: 'row-actions' }, this.name, this.type, this.names),
      this.result,
    );
  }

  /** Asks again (after every change of the simulation, while the panel is open). */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const { answer, names } = await this.resolve(this.name.value.trim(), this.type.value);
    if (generation !== this.generation) return;
    this.names.replaceChildren(...names.map((name) => h('option', { value: name })));
    if (!this.name.value.trim() && names.length) {
      this.name.value = names[0];
      return this.refresh();
    }
    if (!this.name.value.trim()) {
      this.result.replaceChildren(h('p', { class: 'muted' }, 'No Cloud Map DNS service in this scenario.'));
      return;
    }
    const section = (title: string, records: DnsRecord[]) => records.length
      ? [h('h4', {}, title), h('table', { class: `records ${title.toLowerCase()}` },
          ...records.map((r) => h('tr', {}, h('td', { class: 'mono' }, r.name), h('td', {}, String(r.ttl)), h('td', {}, r.type), h('td', { class: 'mono' }, r.data))))]
      : [];
    this.result.replaceChildren(
      h('p', { class: 'rcode', 'data-rcode': answer.rcode }, `${answer.rcode} · ${answer.answers.length} record${answer.answers.length === 1 ? '' : 's'}`),
      ...section('Answer', answer.answers),
      ...section('Authority', answer.authority),
      ...section('Additional', answer.additional),
    );
  }
}
