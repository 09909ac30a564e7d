// The notebook widget's bundle: one ES module with the board, for the Python package.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: '../bindings-python/python/ecsim/static',
    emptyOutDir: false,
    copyPublicDir: false,
    minify: true,
    lib: { entry: 'src/widget.ts', formats: ['es'], fileName: () => 'board-widget.js' },
  },
});
