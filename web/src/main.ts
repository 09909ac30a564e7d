import init, * as wasm from '../pkg/ecsim_wasm.js';
import { makeApi, type Diagnostic } from '../../bindings-node/lib/api.js';
import { SCENARIOS } from './scenarios';
import './style.css';

const editor = document.querySelector<HTMLTextAreaElement>('#editor')!;
const list = document.querySelector<HTMLUListElement>('#diagnostics')!;
const count = document.querySelector<HTMLSpanElement>('#count')!;
const status = document.querySelector<HTMLSpanElement>('#status')!;
const preset = document.querySelector<HTMLSelectElement>('#preset')!;
const security = document.querySelector<HTMLInputElement>('#security')!;

await init();
const ecsim = makeApi(wasm);
document.querySelector('#version')!.textContent = __ECSIM_VERSION__;

function item(className: string, ...children: (Node | string)[]): HTMLLIElement {
  const li = document.createElement('li');
  li.className = className;
  li.append(...children);
  return li;
}

function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

function render(diagnostics: Diagnostic[]): void {
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const li = item(`diagnostic ${d.severity}`, span('code', d.code), span('path', d.path), span('message', d.message));
      if (d.help) li.append(span('help', d.help));
      li.dataset.code = d.code;
      return li;
    }),
  );
  if (diagnostics.length === 0) list.replaceChildren(item('clean', 'No problems: RegisterTaskDefinition would accept this.'));
  count.textContent = String(diagnostics.length);
  status.dataset.state = diagnostics.length === 0 ? 'ok' : 'problems';
  status.textContent = diagnostics.length === 0 ? 'valid' : `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}`;
}

function validate(): void {
  let input: unknown;
  try {
    input = JSON.parse(editor.value);
  } catch (error) {
    list.replaceChildren(item('diagnostic error', span('code', 'JSON'), span('message', (error as Error).message)));
    count.textContent = '1';
    status.dataset.state = 'problems';
    status.textContent = 'not JSON';
    return;
  }
  render(ecsim.validateTaskDefinition(input, { security: security.checked }));
}

function load(index: number): void {
  editor.value = JSON.stringify(SCENARIOS[index].taskDefinition, null, 2);
  validate();
}

SCENARIOS.forEach((scenario, index) => preset.add(new Option(scenario.name, String(index))));
preset.addEventListener('change', () => load(Number(preset.value)));
editor.addEventListener('input', validate);
security.addEventListener('change', validate);
load(0);
