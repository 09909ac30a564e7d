// The rich editing surface, loaded when the task definitions tab first opens: CodeMirror 6 with
// JSON, the validator's diagnostics in place (squiggles, gutter, hover with the help text) and
// its fixes as quick-fix actions.
import { json } from '@codemirror/lang-json';
import { linter, lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import type { Diagnostic, EditorSurface } from '../ui/taskdefs';
import { applyFix } from './fixes';

type Located = Diagnostic & { line?: number; column?: number };

export function codeMirrorSurface(): EditorSurface {
  const element = document.createElement('div');
  element.className = 'cm-host';
  const listeners: (() => void)[] = [];
  const view = new EditorView({
    parent: element,
    extensions: [
      basicSetup,
      json(),
      lintGutter(),
      // Diagnostics come from the engine worker (asynchronously), pushed with setDiagnostics.
      linter(null),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) for (const listener of listeners) listener();
      }),
      EditorView.theme({ '&': { fontSize: '12px', border: '1px solid var(--line)', borderRadius: '6px', background: '#fff' }, '.cm-scroller': { minHeight: '320px' } }),
    ],
  });

  const offset = (d: Located): number => {
    const doc = view.state.doc;
    if (!d.line || d.line > doc.lines) return 0;
    const line = doc.line(d.line);
    return Math.min(line.to, line.from + Math.max(0, (d.column ?? 1) - 1));
  };

  return {
    element,
    get text() {
      return view.state.doc.toString();
    },
    set text(value: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    onChange(listener) {
      listeners.push(listener);
    },
    showDiagnostics(text, diagnostics) {
      if (text !== view.state.doc.toString()) return;
      const found: CmDiagnostic[] = (diagnostics as Located[]).map((d) => {
        const from = offset(d);
        // Underline the member name or value that starts at the position.
        const rest = view.state.doc.sliceString(from, Math.min(view.state.doc.length, from + 200));
        const length = /^("(?:[^"\\]|\\.)*"|[-\w.]+)/.exec(rest)?.[0].length ?? 1;
        const fix = d.fix;
        return {
          from,
          to: Math.min(view.state.doc.length, from + length),
          severity: d.severity === 'error' ? 'error' : d.severity === 'security' ? 'info' : 'warning',
          source: d.code,
          message: d.help ? `${d.message}\n${d.help}` : d.message,
          actions: fix
            ? [{
                name: fix.title,
                apply: (target: EditorView) => {
                  const fixed = JSON.stringify(applyFix(JSON.parse(target.state.doc.toString()), fix), null, 2);
                  target.dispatch({ changes: { from: 0, to: target.state.doc.length, insert: fixed } });
                },
              }]
            : [],
        };
      });
      view.dispatch(setDiagnostics(view.state, found));
    },
  };
}
