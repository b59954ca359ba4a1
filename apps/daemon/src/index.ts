export { type DaemonOptions, type RunningDaemon, startDaemon } from './daemon.ts';
export { AlreadyRunningError, acquireInstanceLock } from './lifecycle/instance-lock.ts';
export {
  componentLogger,
  createLogger,
  type LogRotation,
  logFiles,
  logRotation,
  RotatingLogFile,
  rotateIfLarge,
} from './logger.ts';
