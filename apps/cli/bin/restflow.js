#!/usr/bin/env node
import { runEntry } from '../../../scripts/pick-entry.mjs';

await runEntry('apps/cli/dist/restflow.mjs', 'apps/cli/src/main.ts', [
  'apps/cli/src',
  'packages/api/src',
  'packages/paths/src',
  'packages/run-model/src',
  'packages/launcher/src',
  'apps/daemon/src/server-mode',
  'apps/daemon/src/transports',
]);
