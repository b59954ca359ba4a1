import { PROTOCOL_VERSION, RESTFLOW_VERSION, resolveDataDir, resolvePaths } from '@restflow/paths';
import { leaf, noArgs } from '../command.ts';

export const infoCommand = leaf(
  'info',
  'Show version and file locations (never starts the daemon)',
  noArgs,
  (_a, out) => {
    const paths = resolvePaths(resolveDataDir());
    const data = {
      version: RESTFLOW_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      node: process.version,
      dataDir: paths.dataDir,
      database: paths.database,
      pipe: paths.pipe,
      logs: paths.daemonLog,
    };
    out.record(
      [
        ['RestFlow', RESTFLOW_VERSION],
        ['Protocol', PROTOCOL_VERSION],
        ['Node', process.version],
        ['Data dir', paths.dataDir],
        ['Database', paths.database],
        ['Pipe', paths.pipe],
        ['Daemon log', paths.daemonLog],
      ],
      data,
    );
  },
);
