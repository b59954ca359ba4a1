export { type DaemonOptions, type RunningDaemon, startDaemon } from './daemon.ts';
export { AlreadyRunningError, acquireInstanceLock } from './lifecycle/instance-lock.ts';
export { createLogger, rotateIfLarge } from './logger.ts';
