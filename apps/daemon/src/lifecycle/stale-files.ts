// What a crashed daemon leaves behind, cleared by its successor once it holds the instance lock (holding it
// proves no other daemon owns these files).
import fs from 'node:fs';
import { liveSupervisor, readPidFile } from '@restflow/launcher/records';
import type { RestflowPaths } from '@restflow/paths';
import type { Logger } from '../logger.ts';

export function recoverStaleFiles(paths: RestflowPaths, logger: Pick<Logger, 'warn' | 'info'>): void {
  const pid = readPidFile(paths.pidFile);
  if (pid.kind !== 'missing') {
    if (liveSupervisor(paths)) {
      // The supervisor restarting us is named there. A client that looks before our own record replaces it (at
      // the end of start-up) must see a restart under way, not a stopped daemon it should start itself.
      logger.info(
        { previous: pid.kind === 'garbage' ? pid.content : pid.record.pid },
        'kept the pid file naming the supervisor until ours replaces it',
      );
    } else {
      fs.rmSync(paths.pidFile, { force: true });
      logger.warn({ previous: pid.kind === 'garbage' ? pid.content : pid.record.pid }, 'removed stale pid file');
    }
  }
  if (!paths.pipe.startsWith('\\\\') && fs.existsSync(paths.pipe)) {
    fs.rmSync(paths.pipe, { force: true });
    logger.warn({ pipe: paths.pipe }, 'removed stale socket file');
  }
}
