export * from './daemon-process.ts';
export * from './pid-file.ts';
export * from './process-identity.ts';
export * from './supervisor-state.ts';
