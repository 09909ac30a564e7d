// The notebook widget (anywidget): the playground's board on a canvas, redrawn whenever the
// Python side sends a new `layout` (DescribeClusterLayout's answer). Built into the Python
// package as ecsim/static/board-widget.js (`npm run build:widget`).
import { Board } from './board/board';
import type { ClusterLayout } from './engine/protocol';

interface Model {
  get(name: 'layout'): Partial<ClusterLayout>;
  get(name: 'height'): number;
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}

function render({ model, el }: { model: Model; el: HTMLElement & { board?: Board } }): () => void {
  const canvas = document.createElement('canvas');
  canvas.style.width = '100%';
  canvas.style.display = 'block';
  const size = () => {
    canvas.style.height = `${model.get('height')}px`;
  };
  size();
  el.appendChild(canvas);
  const board = new Board(canvas);
  // Tests and curious users reach the board (and its summary) through the element.
  el.board = board;
  const draw = () => {
    const layout = model.get('layout');
    // An empty layout (no such cluster now) leaves the last drawing.
    if (layout.instances && layout.tasks) board.update(layout as ClusterLayout);
  };
  model.on('change:layout', draw);
  model.on('change:height', size);
  draw();
  return () => {
    model.off('change:layout', draw);
    model.off('change:height', size);
  };
}

export default { render };
