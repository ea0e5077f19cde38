import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the "source" export condition), so unit
// tests never need a build first.
const conditions = ['source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'models/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'deploy/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
  },
});
