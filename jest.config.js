export default {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/apps/*/jest.config.js'],
  collectCoverage: true,
  coverageReporters: ['text-summary', 'json-summary'],
  coverageDirectory: '<rootDir>/coverage',
  // A bar of the plan: the layers with the logic stay well covered by in-process tests.
  coverageThreshold: {
    './packages/db/src/': { lines: 80 },
    './packages/core/src/': { lines: 80 },
    './packages/api/src/': { lines: 80 },
  },
  testTimeout: 60_000,
  // Most suites wait on real processes (daemons, CLIs, a browser), not on the CPU: two at a time halves the run on
  // CI's two cores (jest's default there is one).
  ...(process.env.CI ? { maxWorkers: 2 } : {}),
};
