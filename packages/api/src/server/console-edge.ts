// What a process serving the console in front of the daemon needs (`restflow web serve`, the daemon's own
// console routes): sign-in cookie checks, the WebSocket path and the frame limit — nothing that loads the router,
// core or the database, so such a process stays a client.

export { MAX_FRAME_BYTES } from '../ndjson.ts';
export * from './console-auth.ts';

/** Where the console's WebSocket (and the router over HTTP) is mounted. */
export const WS_PATH = '/trpc';
