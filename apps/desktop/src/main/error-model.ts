// What the error window shows when the app cannot reach a daemon: what happened, where the log is, and what
// the user can do (Retry runs the whole start-up again).
import type { RestflowPaths } from '@restflow/paths';
import { StartupError } from './daemon-startup.ts';

export interface StartupErrorModel {
  title: string;
  message: string;
  log_path: string;
  actions: ('retry' | 'quit')[];
}

const TITLES: Record<StartupError['reason'], string> = {
  unavailable: 'RestFlow could not start its daemon',
  unresponsive: 'The RestFlow daemon is not answering',
  autostart_off: 'The RestFlow daemon is not running',
  protocol_mismatch: 'The running daemon is from another RestFlow version',
};

export function startupErrorModel(error: unknown, paths: RestflowPaths): StartupErrorModel {
  const title = error instanceof StartupError ? TITLES[error.reason] : 'RestFlow could not start';
  const message = error instanceof Error ? error.message : String(error);
  return { title, message, log_path: paths.daemonLog, actions: ['retry', 'quit'] };
}
