export * from './models-wire.ts';
export * from './script.ts';
export * from './server.ts';
