import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` gets one real control plane
// (test/global-setup.ts) shared by all its files, each test isolating itself by namespace.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'test/hostile/**/*.test.ts'],
          exclude: ['test/hostile/**/*.cluster.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts', 'test/hostile/**/*.cluster.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
