// Task definitions: pick one of the scenario's families, edit it with the validator's
// diagnostics as you type, and register the edit as a new revision, now.
import { applyFix, type Fix } from '../editor/fixes';
import type { LocatedDiagnostic } from '../engine/protocol';
import type { Scenario } from '../scenario/scenario';
import { h } from './dom';

export type Diagnostic = LocatedDiagnostic;

export interface TaskDefinitionEditorHost {
  /** The diagnostics of the text, or an error when it is not JSON. */
  validate(text: string, security: boolean): Promise<{ diagnostics: Diagnostic[]; error?: string }>;
  register(taskDefinition: Record<string, unknown>): void;
}

/** The editing surface; the plain one is a textarea, the rich one CodeMirror (loaded on demand). */
export interface EditorSurface {
  readonly element: HTMLElement;
  text: string;
  onChange(listener: () => void): void;
  showDiagnostics(text: string, diagnostics: Diagnostic[]): void;
}

export class TaskDefinitionsPanel {
  private readonly select = h('select', { 'aria-label': 'task definition to edit', id: 'taskdef-select' });
  private readonly list = h('ul', { class: 'diagnostics', id: 'diagnostics', 'aria-live': 'polite' });
  private readonly status = h('span', { class: 'status', id: 'td-status' });
  private readonly security = h('input', { type: 'checkbox', id: 'security' });
  private definitions: Record<string, unknown>[] = [];
  private generation = 0;

  constructor(root: HTMLElement, readonly surface: EditorSurface, private readonly host: TaskDefinitionEditorHost) {
    const register = h('button', { type: 'button', class: 'primary', id: 'register', onclick: () => this.register() }, 'Register revision');
    root.replaceChildren(
      h('div', { class: 'row-actions' }, this.select, h('label', { class: 'toggle' }, this.security, ' security checks'), this.status),
      surface.element,
      h('div', { class: 'row-actions' }, register),
      this.list,
    );
    this.select.addEventListener('change', () => this.load(Number(this.select.value)));
    surface.onChange(() => void this.validate());
    this.security.addEventListener('change', () => void this.validate());
  }

  show(scenario: Scenario): void {
    const latest = new Map<string, Record<string, unknown>>();
    const definitions = [...(scenario.taskDefinitions ?? []), ...(scenario.steps ?? []).filter((s) => s.action === 'RegisterTaskDefinition').map((s) => s.input ?? {})];
    for (const td of definitions) latest.set(String((td as { family?: unknown }).family ?? ''), td as Record<string, unknown>);
    this.definitions = [...latest.values()];
    const current = this.select.value;
    this.select.replaceChildren(...this.definitions.map((td, i) => new Option(String(td.family), String(i), false, String(i) === current)));
    if (!this.surface.text) this.load(Number(this.select.value || 0));
  }

  private load(index: number): void {
    const definition = this.definitions[index];
    if (!definition) return;
    this.surface.text = JSON.stringify(definition, null, 2);
    void this.validate();
  }

  private parsed(): unknown | Error {
    try {
      return JSON.parse(this.surface.text);
    } catch (error) {
      return error as Error;
    }
  }

  async validate(): Promise<void> {
    const generation = ++this.generation;
    const text = this.surface.text;
    const answer = await this.host.validate(text, this.security.checked);
    if (generation !== this.generation) return;
    const diagnostics: Diagnostic[] = answer.error ? [{ code: 'JSON', severity: 'error', path: '$', message: answer.error }] : answer.diagnostics;
    this.surface.showDiagnostics(text, diagnostics);
    this.list.replaceChildren(...diagnostics.map((d) => h('li', { class: `diagnostic ${d.severity}`, 'data-code': d.code },
      h('span', { class: 'code' }, d.code, d.line ? h('span', { class: 'where' }, ` line ${d.line}`) : null),
      h('span', { class: 'path' }, d.path), h('span', { class: 'message' }, d.message), d.help ? h('span', { class: 'help' }, d.help) : null,
      d.fix ? h('button', { type: 'button', class: 'quick-fix', onclick: () => this.apply(d.fix!) }, `Quick fix: ${d.fix.title}`) : null)));
    if (!diagnostics.length) this.list.replaceChildren(h('li', { class: 'clean' }, 'No problems: RegisterTaskDefinition would accept this.'));
    this.status.textContent = diagnostics.length ? `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}` : 'valid';
    this.status.dataset.state = diagnostics.length ? 'problems' : 'ok';
  }

  private apply(fix: Fix): void {
    const value = this.parsed();
    if (value instanceof Error) return;
    this.surface.text = JSON.stringify(applyFix(value, fix), null, 2);
    void this.validate();
  }

  private register(): void {
    const value = this.parsed();
    if (value instanceof Error || typeof value !== 'object' || value === null) return;
    this.host.register(value as Record<string, unknown>);
  }
}
