// The pipe's side of the server mounts, for a daemon that serves its pipe before it loads the rest (the HTTP side,
// the WebSocket): importing the full `@restflow/api/server` index evaluates every mount's module and its packages.
export { BufferBudget } from './buffer-budget.ts';
export { MAX_FRAME_BYTES, type PipeServer, servePipe } from './pipe-server.ts';
