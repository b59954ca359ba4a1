import preset from '../../jest.preset.js';

// Electron cannot run here: `electron` is the stub, whose IPC structuredClones payloads as Electron does.
export default {
  ...preset,
  moduleNameMapper: { '^electron$': '<rootDir>/../../packages/electron-stub/src/index.ts' },
};
