// What the daemon itself reads and writes of the launcher's files (pid file, process identity, the supervisor's
// record, exit codes), without the client side (daemon-process.ts starts and asks daemons through the API client,
// which a daemon never needs to load).
export * from './pid-file.ts';
export * from './process-identity.ts';
export * from './supervisor-state.ts';
