#!/usr/bin/env node
import { runEntry } from '../../../scripts/pick-entry.mjs';

await runEntry('apps/daemon/dist/restflow-daemon.mjs', 'apps/daemon/src/main.ts', [
  'apps/daemon/src',
  'packages/api/src',
  'packages/core/src',
  'packages/db/src',
  'packages/paths/src',
  'packages/run-model/src',
  'packages/launcher/src',
]);
