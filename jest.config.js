export default {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/apps/*/jest.config.js'],
  collectCoverage: true,
  coverageReporters: ['text-summary', 'json-summary'],
  coverageDirectory: '<rootDir>/coverage',
};
