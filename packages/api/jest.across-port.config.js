import preset from '../../jest.preset.js';

export default {
  ...preset,
  displayName: 'api: services across a port',
  setupFiles: ['<rootDir>/test/setup/services-across-port.js'],
  testMatch: [
    '<rootDir>/test/**/*.router.test.ts',
    '<rootDir>/test/{mcp,input-limits,fuzz-findings,lazy-routers}.test.ts',
  ],
};
