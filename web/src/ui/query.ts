// A cluster query language field: as you type, the board lights the instances the expression
// matches (ListContainerInstances' filter, evaluated by the engine) and the parser's error shows
// under the field.
import { h } from './dom';

export type Evaluate = (expression: string) => Promise<{ matches: string[]; error?: string }>;

export class QueryField {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly status: HTMLElement;
  private timer = 0;
  private generation = 0;

  constructor(label: string, placeholder: string, private readonly evaluate: Evaluate, private readonly onMatches: (arns: string[] | null) => void) {
    this.input = h('input', { type: 'text', placeholder, spellcheck: false, 'aria-label': label, class: 'query' });
    this.status = h('span', { class: 'query-status', 'aria-live': 'polite' });
    this.element = h('label', { class: 'query-field' }, h('span', { class: 'label' }, label), this.input, this.status);
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.run(), 60);
    });
    this.input.addEventListener('focus', () => void this.run());
  }

  get value(): string {
    return this.input.value.trim();
  }

  async run(): Promise<void> {
    const generation = ++this.generation;
    const expression = this.value;
    if (!expression) {
      this.status.textContent = '';
      this.status.dataset.state = '';
      this.input.removeAttribute('aria-invalid');
      this.onMatches(null);
      return;
    }
    const { matches, error } = await this.evaluate(expression);
    if (generation !== this.generation) return;
    if (error) {
      this.status.textContent = error;
      this.status.dataset.state = 'error';
      this.input.setAttribute('aria-invalid', 'true');
      this.onMatches([]);
    } else {
      this.status.textContent = `${matches.length} instance${matches.length === 1 ? '' : 's'} match`;
      this.status.dataset.state = 'ok';
      this.input.removeAttribute('aria-invalid');
      this.onMatches(matches);
    }
  }
}
