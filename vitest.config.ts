import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: {
    // Tests exercise the public API from source, with the Node entry (which reads the .wasm from disk).
    alias: { mathlens: fileURLToPath(new URL('./web/src/node.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/web/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60000,
  },
});
